import t from 'tap';
import { sameItems } from '../../src/same-items.js';

const same = ['a', 'b'];
const cases: Array<[string, ArrayLike<unknown>, ArrayLike<unknown>, boolean]> = [
  ['the same keys in order', ['a', 'b'], ['a', 'b'], true],
  ['the very same list', same, same, true],
  ['another order', ['a', 'b'], ['b', 'a'], false],
  ['a key more', ['a'], ['a', 'b'], false],
  ['both empty', [], [], true],
  ['equal flags in two arrays', Uint8Array.from([1, 0, 1]), Uint8Array.from([1, 0, 1]), true],
  ['one flag differs', Uint8Array.from([1, 0, 1]), Uint8Array.from([1, 1, 1]), false],
  ['flags of another length', Uint8Array.from([1]), Uint8Array.from([1, 0]), false],
];
for (const [name, a, b, expected] of cases) {
  t.test(`sameItems: ${name}`, async (t) => {
    t.equal(sameItems(a, b), expected);
    t.equal(sameItems(b, a), expected);
  });
}
