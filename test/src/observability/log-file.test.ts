import t from 'tap';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, reopenLogFile } from '../../../src/log.js';

async function waitFor(file: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never matched ${pattern}`);
}

t.test('log.filePath writes the process log to a file that can be reopened', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-log-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'logs', 'switchyard.log');
  const cases: Array<[string, string, RegExp]> = [
    ['common lines carry an upper-case level', 'common', /"level":"ERROR".*"router":"app@file".*"msg":"first"/],
    ['json lines carry the numeric level', 'json', /"level":50.*"router":"app@file".*"msg":"first"/],
  ];
  for (const [name, format, pattern] of cases) {
    const target = `${file}.${format}`;
    const log = createLogger({ level: 'ERROR', format, filePath: target });
    log.child({ router: 'app@file' }).error('first');
    t.match(await waitFor(target, /first/), pattern, name);
    await rename(target, `${target}.1`);
    reopenLogFile(log);
    log.error('second');
    t.match(await waitFor(target, /second/), /second/, `${format}: lines after reopen go to the new file`);
    t.notMatch(await readFile(`${target}.1`, 'utf8'), /second/, `${format}: the rotated file keeps only older lines`);
  }
});
