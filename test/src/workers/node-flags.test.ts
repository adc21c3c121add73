import t from 'tap';
import { readFile } from 'node:fs/promises';
import { dataPlaneExecArgv, YOUNG_GENERATION_FLAG } from '../../../src/workers/node-flags.js';

const cases: Array<[string, string[], string | undefined, string[]]> = [
  // [description, control process's execArgv, NODE_OPTIONS, data plane's execArgv]
  ['no flags: the cap is added', [], undefined, [YOUNG_GENERATION_FLAG]],
  ['other flags are kept, the cap after them', ['--import', './bin/ts-hooks.js'], '', ['--import', './bin/ts-hooks.js', YOUNG_GENERATION_FLAG]],
  ['a cap of the operator on the command line wins', ['--max-semi-space-size=32'], undefined, ['--max-semi-space-size=32']],
  ['a floor of the operator counts as a choice too', ['--min-semi-space-size=16'], undefined, ['--min-semi-space-size=16']],
  ['the underscore spelling V8 also accepts', ['--max_semi_space_size=4'], undefined, ['--max_semi_space_size=4']],
  ['a size in NODE_OPTIONS wins (the fork inherits it)', ['--trace-gc'], '--max-old-space-size=512 --max-semi-space-size=64', ['--trace-gc']],
  ['unrelated NODE_OPTIONS leave the cap in place', [], '--max-old-space-size=512', [YOUNG_GENERATION_FLAG]],
];
for (const [name, execArgv, nodeOptions, expected] of cases) {
  t.test(name, async (t) => {
    t.same(dataPlaneExecArgv(execArgv, nodeOptions), expected);
  });
}

t.test('the container image and npm start pass the same cap on the command line', async (t) => {
  const dockerfile = await readFile(new URL('../../../Dockerfile', import.meta.url), 'utf8');
  const entrypoint = /^ENTRYPOINT (.*)$/m.exec(dockerfile)?.[1];
  t.same(JSON.parse(entrypoint ?? '[]'), ['node', YOUNG_GENERATION_FLAG, 'bin/switchyard.js']);
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  t.match(pkg.scripts.start, new RegExp(`^node ${YOUNG_GENERATION_FLAG} `));
});
