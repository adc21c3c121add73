import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// bin/ts-hooks.js lets Node run the TypeScript sources as they are: a relative `./x.js` import from a
// .ts file finds `./x.ts` when there is no x.js, and nothing else changes.
const run = promisify(execFile);
const HOOKS = fileURLToPath(new URL('../../../bin/ts-hooks.js', import.meta.url));

async function runMain(files: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-hooks-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', HOOKS, path.join(dir, 'main.ts')], { cwd: dir });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

t.test('relative .js imports from TypeScript resolve to the .ts file beside them', async (t) => {
  const cases: Array<{ name: string; files: Record<string, string>; stdout?: string; error?: RegExp }> = [
    {
      name: 'a .ts module imported as .js, with types stripped',
      files: { 'main.ts': "import { two } from './lib.js';\nconst n: number = two();\nconsole.log(n);\n", 'lib.ts': 'export function two(): number {\n  return 2;\n}\n' },
      stdout: '2\n',
    },
    {
      name: 'a .js file that exists wins over the .ts beside it',
      files: { 'main.ts': "import { who } from './lib.js';\nconsole.log(who);\n", 'lib.js': "export const who = 'js';\n", 'lib.ts': "export const who: string = 'ts';\n" },
      stdout: 'js\n',
    },
    {
      name: 'a nested import from a .ts file in a folder',
      files: { 'main.ts': "import { a } from './a.js';\nconsole.log(a);\n", 'a.ts': "import { b } from './b.js';\nexport const a = `a${b}`;\n", 'b.ts': "export const b = 'b';\n" },
      stdout: 'ab\n',
    },
    {
      name: 'a missing module still fails, naming what was imported',
      files: { 'main.ts': "import { x } from './missing.js';\nconsole.log(x);\n" },
      error: /Cannot find module .*missing\.js/,
    },
    {
      name: 'built-in modules are untouched',
      files: { 'main.ts': "import path from 'node:path';\nconsole.log(path.basename('/a/b.ts'));\n" },
      stdout: 'b.ts\n',
    },
  ];
  for (const c of cases) {
    const result = await runMain(c.files);
    if (c.error) {
      t.not(result.code, 0, `${c.name}: exits non-zero`);
      t.match(result.stderr, c.error, `${c.name}: says what is missing`);
    } else {
      t.equal(result.stdout, c.stdout, c.name);
    }
  }
});
