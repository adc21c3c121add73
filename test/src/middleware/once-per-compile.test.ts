import t from 'tap';
import { oncePerCompile } from '../../../src/middleware/once-per-compile.js';

t.test('one preparation per configuration object within a compile, a fresh one in the next', async (t) => {
  const calls: string[] = [];
  const prepare = oncePerCompile((config: { name: string }) => {
    calls.push(config.name);
    return { prepared: config.name };
  });
  const a = { name: 'a' };
  const b = { name: 'b' };
  // One synchronous compile: 1,000 routers using a, one using b.
  const results = Array.from({ length: 1000 }, () => prepare(a));
  const other = prepare(b);
  t.same(calls, ['a', 'b'], 'each configuration prepared once in the compile');
  t.ok(results.every((r) => r === results[0]), 'every router shares the prepared value');
  t.equal(other.prepared, 'b');
  await Promise.resolve();
  prepare(a);
  t.same(calls, ['a', 'b', 'a'], 'the next compile prepares again (files are read again)');
  t.notOk(prepare(a) === results[0], 'and gets its own value');
});

t.test('a failure is thrown to every router of the compile, prepared once', async (t) => {
  let calls = 0;
  const prepare = oncePerCompile((_config: object) => {
    calls++;
    throw new Error('sourceRange[0]: "x" is not an IP address or CIDR range');
  });
  const config = {};
  for (let i = 0; i < 3; i++) t.throws(() => prepare(config), /sourceRange\[0\]/, `router ${i}`);
  t.equal(calls, 1);
});
