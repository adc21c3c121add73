import t from 'tap';
import { deepFreeze, frozenCopy } from '../../../src/provider/deep-freeze.js';

const snapshot = () => ({
  http: {
    routers: { a: { rule: 'Host(`a.test`)', service: 's', middlewares: ['m'] }, b: { rule: 'Path(`/b`)', service: 's' } },
    services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1', weight: 0 }] } } },
  },
});

t.test('a frozen copy equals the value, is frozen all the way down and shares nothing with it', async (t) => {
  const value = snapshot();
  const copy = frozenCopy(value);
  t.strictSame(copy, value);
  t.ok(Object.isFrozen(copy.http.routers.a.middlewares));
  t.ok(Object.isFrozen(copy.http.services.s.loadBalancer.servers[0]));
  value.http.routers.a.middlewares.push('later');
  t.same(copy.http.routers.a.middlewares, ['m'], 'a later change by the provider does not reach the copy');
});

t.test('parts equal to the previous copy keep its objects, changed parts are new', async (t) => {
  const first = frozenCopy(snapshot());
  const next = snapshot();
  next.http.routers.b.rule = 'Path(`/c`)';
  const second = frozenCopy(next, first);
  t.equal(second.http.routers.a, first.http.routers.a);
  t.equal(second.http.services, first.http.services);
  t.not(second.http.routers.b, first.http.routers.b);
  t.not(second.http.routers, first.http.routers);
  t.equal(second.http.routers.b.rule, 'Path(`/c`)');
  t.equal(frozenCopy(snapshot(), first), first, 'an equal snapshot is the previous copy itself');
});

t.test('the same keys in another order are a new object, since iteration order shows', async (t) => {
  const first = frozenCopy({ x: 1, y: 2 });
  const second = frozenCopy({ y: 2, x: 1 }, first);
  t.not(second, first);
  t.same(Object.keys(second), ['y', 'x']);
});

const fallbacks: Array<[string, unknown]> = [
  ['a date', { at: new Date(0) }],
  ['a map', { m: new Map([['k', 1]]) }],
  ['a sparse array', { list: [1, , 3] }],
  ['a class instance', { v: new (class Point { x = 1 })() }],
];
for (const [name, value] of fallbacks) {
  t.test(`${name} is copied as structuredClone copies it`, async (t) => {
    const copy = frozenCopy(value);
    t.strictSame(copy, structuredClone(value));
    t.ok(Object.isFrozen(copy));
  });
}

t.test('a cycle is copied as structuredClone copies it', async (t) => {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  const copy = frozenCopy(value) as Record<string, unknown>;
  t.equal(copy.self, copy);
});

t.test('a function throws as structuredClone does', async (t) => {
  t.throws(() => frozenCopy({ f: () => 1 }));
});

t.test('a `__proto__` key stays a plain key', async (t) => {
  const value = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  const copy = frozenCopy(value);
  t.ok(Object.hasOwn(copy, '__proto__'));
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.equal(Object.getPrototypeOf(copy), Object.prototype);
});

t.test('only own keys are copied, even with an enumerable key on Object.prototype', async (t) => {
  Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true, writable: true });
  try {
    const previous = frozenCopy({ a: { b: 1 }, c: 2 });
    const copy = frozenCopy({ a: { b: 1 }, c: 3 }, previous);
    t.same(Object.keys(copy), ['a', 'c']);
    t.notOk(Object.hasOwn(copy, 'polluted'));
    t.equal(copy.a, previous.a, 'the unchanged part is still the earlier object');
    t.equal(copy.c, 3);
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
});

t.test('deepFreeze freezes nested objects and arrays', async (t) => {
  const value = deepFreeze({ a: { b: [1, { c: 2 }] } });
  t.ok(Object.isFrozen(value.a.b[1]));
});

t.test('against any earlier copy, a frozen copy equals its value and reuses exactly the equal parts', async (t) => {
  const fc = await import('fast-check');
  // JSON-like values (all a configuration is made of), with a few keys shared so earlier copies overlap.
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(0, 1, 'a', 'b', true, null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__'), tie('value'), { maxKeys: 4 }),
  })).value;
  // Equal as a configuration is compared here: the same items and, for objects, the same keys in the same order.
  const sameShape = (a: unknown, b: unknown): boolean => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  };
  const reusedWhereEqual = (copy: unknown, earlier: unknown): boolean => {
    if (typeof copy !== 'object' || copy === null) return true;
    if (sameShape(copy, earlier)) return copy === earlier;
    if (typeof earlier !== 'object' || earlier === null || Array.isArray(copy) !== Array.isArray(earlier)) return true;
    return Object.keys(copy).every((k) => !Object.hasOwn(earlier, k) || reusedWhereEqual((copy as Record<string, unknown>)[k], (earlier as Record<string, unknown>)[k]));
  };
  fc.assert(
    fc.property(json, json, (a, b) => {
      const earlier = frozenCopy(a);
      const copy = frozenCopy(b, earlier);
      return sameShape(copy, b) && (typeof copy !== 'object' || copy === null || Object.isFrozen(copy)) && reusedWhereEqual(copy, earlier);
    }),
    { numRuns: 2000 },
  );
  t.pass('2,000 pairs of values');
});

// A provider may hand out deep-frozen values that share their unchanged parts (the file provider does): they
// are taken as they are, walked only as far as they match the previous copy.
t.test('a deep-frozen value is not copied: the previous copy where equal, else the value itself', async (t) => {
  const first = frozenCopy(deepFreeze(snapshot()));
  t.equal(frozenCopy(first, first), first, 'the previous copy handed back is itself');
  const value = deepFreeze(snapshot());
  t.equal(frozenCopy(value), value, 'with nothing before, the value itself');
  t.equal(frozenCopy(deepFreeze(snapshot()), first), first, 'an equal one is the previous copy');
  // The provider's next value shares every unchanged element with the copy and brings one new router.
  const routers = { ...first.http.routers, b: deepFreeze({ rule: 'Path(`/c`)', service: 's' }) };
  const next = deepFreeze({ http: { ...first.http, routers } });
  const second = frozenCopy(next, first);
  t.equal(second, next, 'a changed deep-frozen value is itself');
  t.equal(second.http.routers.a, first.http.routers.a);
  t.equal(second.http.services, first.http.services);
  t.same(second, { http: { ...snapshot().http, routers: { ...snapshot().http.routers, b: { rule: 'Path(`/c`)', service: 's' } } } });
  // A value frozen by someone else (not marked) is still copied.
  const foreign = Object.freeze({ x: Object.freeze({ y: 1 }) });
  t.not(frozenCopy(foreign), foreign);
});
