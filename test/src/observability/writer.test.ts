import t from 'tap';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLineWriter } from '../../../src/observability/access-log/writer.js';
import { silentLogger } from '../../../src/log.js';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-writer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('reopen writes to a new file after logrotate renamed the old one', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'nested', 'access.log');
  const writer = createLineWriter({ filePath: file, bufferingSize: 0, log: silentLogger });
  writer.write('one\n');
  await new Promise((r) => setTimeout(r, 20));
  await rename(file, `${file}.1`);
  writer.write('two\n');
  await writer.reopen();
  writer.write('three\n');
  await writer.close();
  t.equal(await readFile(`${file}.1`, 'utf8'), 'one\ntwo\n', 'lines before the reopen stay in the rotated file');
  t.equal(await readFile(file, 'utf8'), 'three\n', 'lines after it go to a fresh file at the configured path');
});

t.test('buffered lines are written when the buffer fills, on a timer and at close', async (t) => {
  const cases: Array<[string, number, number, string]> = [
    ['a full buffer is written at once', 2, 60_000, 'a\nb\n'],
    ['a partial buffer is written after the interval', 10, 10, 'a\nb\n'],
  ];
  for (const [name, bufferingSize, flushIntervalMs, expected] of cases) {
    const dir = await tempDir(t);
    const file = path.join(dir, 'access.log');
    const writer = createLineWriter({ filePath: file, bufferingSize, flushIntervalMs, log: silentLogger });
    writer.write('a\n');
    writer.write('b\n');
    await new Promise((r) => setTimeout(r, 60));
    t.equal(await readFile(file, 'utf8'), expected, name);
    await writer.close();
  }
  const dir = await tempDir(t);
  const file = path.join(dir, 'access.log');
  const writer = createLineWriter({ filePath: file, bufferingSize: 10, flushIntervalMs: 60_000, log: silentLogger });
  writer.write('kept\n');
  await writer.close();
  writer.write('after close\n');
  t.equal(await readFile(file, 'utf8'), 'kept\n', 'close flushes, and lines after it are ignored');
});
