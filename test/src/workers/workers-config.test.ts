import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadStaticConfig } from '../../../src/config/static-load.js';

const cases: Array<{ name: string; file?: string; argv?: string[]; env?: Record<string, string>; workers?: number; error?: RegExp }> = [
  { name: 'the default is one process', workers: 1 },
  { name: 'a number in the file is taken as is', file: 'workers: 3\n', workers: 3 },
  { name: 'auto is one worker per core', file: 'workers: auto\n', workers: os.availableParallelism() },
  { name: 'a flag sets it', argv: ['--workers=2'], workers: 2 },
  { name: 'an environment variable sets it', env: { SWITCHYARD_WORKERS: 'auto' }, workers: os.availableParallelism() },
  { name: 'zero is refused', file: 'workers: 0\n', error: /workers/ },
  { name: 'a flag of zero is refused', argv: ['--workers=0'], error: /workers/ },
  { name: 'a word other than auto is refused', file: 'workers: many\n', error: /workers/ },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-workers-config-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const argv = [...(c.argv ?? [])];
    if (c.file) {
      await writeFile(path.join(dir, 'switchyard.yaml'), c.file);
      argv.push('--configFile=switchyard.yaml');
    }
    const loading = loadStaticConfig({ argv, env: c.env ?? {}, cwd: dir, searchDirs: [] });
    if (c.error) return void (await t.rejects(loading, c.error));
    t.equal((await loading).config.workers, c.workers);
  });
}
