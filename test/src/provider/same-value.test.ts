import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { sameValue } from '../../../src/provider/same-value.js';

const shared = { rule: 'Path(`/a`)', service: 's' };
const cyclic = () => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};
const nullProto = (value: Record<string, unknown>) => Object.assign(Object.create(null) as Record<string, unknown>, value);

// sameValue answers what isDeepStrictEqual answers for every kind of value a configuration can hold.
const cases: Array<[string, unknown, unknown]> = [
  ['the same object', shared, shared],
  ['equal mappings', { a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }],
  ['keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }],
  ['a key more', { a: 1 }, { a: 1, b: 2 }],
  ['a key fewer', { a: 1, b: 2 }, { a: 1 }],
  ['an undefined value against a missing key', { a: 1, b: undefined }, { a: 1, c: undefined }],
  ['a map sharing elements, one changed', { r1: shared, r2: shared, r3: { rule: 'x' } }, { r1: shared, r2: shared, r3: { rule: 'y' } }],
  ['arrays of another length', [1, 2], [1, 2, 3]],
  ['an array against a mapping', [1], { 0: 1 }],
  ['NaN', { n: Number.NaN }, { n: Number.NaN }],
  ['0 and -0', { n: 0 }, { n: -0 }],
  ['1 and "1"', { n: 1 }, { n: '1' }],
  ['null and undefined', { n: null }, { n: undefined }],
  ['null and a mapping', null, {}],
  ['a null-prototype mapping against a plain one', nullProto({ a: 1 }), { a: 1 }],
  ['two null-prototype mappings', nullProto({ a: 1 }), nullProto({ a: 1 })],
  ['equal dates', { at: new Date(0) }, { at: new Date(0) }],
  ['different dates', { at: new Date(0) }, { at: new Date(1) }],
  ['maps', { m: new Map([['k', 1]]) }, { m: new Map([['k', 2]]) }],
  ['sparse against undefined', { l: [1, , 3] }, { l: [1, undefined, 3] }],
  ['two cycles', cyclic(), cyclic()],
];
for (const [name, a, b] of cases) {
  t.test(name, async (t) => {
    t.equal(sameValue(a, b), isDeepStrictEqual(a, b), 'as isDeepStrictEqual');
    t.equal(sameValue(b, a), isDeepStrictEqual(b, a), 'either way round');
  });
}
