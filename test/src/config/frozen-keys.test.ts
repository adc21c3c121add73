import t from 'tap';
import { keysOf, rememberKeys } from '../../../src/config/frozen-keys.js';
import { deepFreeze } from '../../../src/provider/deep-freeze.js';

const big = (n: number, prefix = 'r') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { rule: `Path(\`/${i}\`)` }]));

// [case, the object, whether its list is listed once and shared]
const cases: Array<[string, object, boolean]> = [
  ['a deep-frozen map of many keys', deepFreeze(big(100)), true],
  ['a deep-frozen object of a few keys (an element)', deepFreeze({ rule: 'Path(`/`)', service: 's' }), false],
  ['a map of many keys that is not frozen', big(100), false],
  ['a map frozen by someone else (not marked)', Object.freeze(big(100)), false],
];
for (const [name, value, shared] of cases) {
  t.test(name, async (t) => {
    t.strictSame(keysOf(value), Object.keys(value), 'the keys, in order');
    t.equal(keysOf(value) === keysOf(value), shared, shared ? 'one list, shared' : 'listed each time');
    if (shared) t.ok(Object.isFrozen(keysOf(value)), 'a shared list cannot be changed');
  });
}

t.test('a builder hands on the list it built a frozen map with', async (t) => {
  const keys = Object.keys(big(100));
  const map = deepFreeze(big(100));
  rememberKeys(map, keys);
  t.equal(keysOf(map), keys);
  t.ok(Object.isFrozen(keys));
  const open = big(100);
  rememberKeys(open, Object.keys(open));
  t.not(keysOf(open), keysOf(open), 'a map that can still change is not remembered');
});
