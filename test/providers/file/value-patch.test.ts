import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { isDeepFrozen } from '../../../src/config/deep-frozen.js';
import { deepFreeze } from '../../../src/provider/deep-freeze.js';
import { applyPatch, diffValue } from '../../../providers/file/value-patch.js';

type Value = Record<string, unknown>;
const routers = (n: number, changed?: number): Value =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, { rule: `Host(\`h${i}${i === changed ? '-new' : ''}.test\`)`, service: 's' }]));
const file = (r: Value, more: Value = {}): Value => ({ http: { routers: r, services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } }, ...more } });

const protoKey = (value: unknown): Value => {
  const out: Value = {};
  Object.defineProperty(out, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  return out;
};
// Every key path in order (a cycle is followed a few levels): equal lists mean keys in the same order everywhere.
const keyPaths = (value: unknown, at = '', depth = 0): string[] =>
  typeof value !== 'object' || value === null || depth > 8 ? [] : Object.keys(value).flatMap((key) => [`${at}/${key}`, ...keyPaths((value as Value)[key], `${at}/${key}`, depth + 1)]);
const cyclic = (): Value => {
  const value: Value = { name: 'loop' };
  value.self = value;
  return value;
};

// [case, before, after, what the patch may carry at most (JSON of its values), top-level keys the patch must keep as before's objects]
const cases: Array<[string, Value, Value, string[]]> = [
  ['an equal value', file(routers(50)), file(routers(50)), []],
  ['one router of fifty changed', file(routers(50)), file(routers(50, 7)), ['h7-new']],
  ['a router added at the end', file(routers(3)), file({ ...routers(3), extra: { rule: 'Path(`/e`)', service: 's' } }), ['/e']],
  ['a router removed', file(routers(3)), file({ r0: routers(3).r0, r2: routers(3).r2 }), []],
  ['the same routers in another order', file({ a: { service: 's' }, b: { service: 't' } }), file({ b: { service: 't' }, a: { service: 's' } }), []],
  ['keys reordered inside an element', file({ a: { rule: 'Path(`/a`)', service: 's' } }), file({ a: { service: 's', rule: 'Path(`/a`)' } }), ['/a']],
  ['a list item changed deep in a service', file(routers(2)), { http: { routers: routers(2), services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:2' }] } } } } }, ['127.0.0.1:2']],
  ['a section that becomes a list', file(routers(2)), { http: { routers: ['not', 'a', 'mapping'] } }, ['not']],
  ['a group that becomes null', file(routers(2)), { http: null }, []],
  ['a new group', file(routers(2)), { ...file(routers(2)), tls: { options: { o: { minVersion: 'VersionTLS12' } } } }, ['VersionTLS12']],
  ['special numbers', { a: { b: { c: { n: -0, m: Number.NaN, i: Infinity } } } }, { a: { b: { c: { n: 0, m: Number.NaN, i: Infinity } } } }, []],
  ['a `__proto__` key', { http: protoKey({ x: 1 }) }, { http: protoKey({ x: 2 }) }, []],
  ['a cycle (an alias to an ancestor)', { a: { b: { c: cyclic() } } }, { a: { b: { c: cyclic() } } }, []],
  ['an empty file', file(routers(2)), {}, []],
];

// The patch as text, to see what it carries; a cycle is cut after a few levels.
function shown(value: unknown, depth = 0): string {
  if (value instanceof Map) return shown(Object.fromEntries(value), depth);
  if (typeof value !== 'object' || value === null) return String(value);
  if (depth > 12) return '…';
  return `{${Object.entries(value).map(([k, v]) => `"${k}":${shown(v, depth + 1)}`).join(',')}}`;
}

for (const [name, before, after, carried] of cases) {
  t.test(name, async (t) => {
    const held = deepFreeze(structuredClone(before));
    const patch = diffValue(held, after);
    const value = applyPatch(held, patch) as Value;
    // Equal to what was parsed, with keys in the same order at every level, and frozen.
    t.ok(isDeepStrictEqual(value, after), 'equal to the new value');
    t.strictSame(keyPaths(value), keyPaths(after), 'keys in the same order');
    t.ok(isDeepFrozen(value), 'deep-frozen');
    if (isDeepStrictEqual(before, after) && isDeepStrictEqual(keyPaths(before), keyPaths(after)) && name !== 'a cycle (an alias to an ancestor)') t.equal(value, held, 'an equal value is the held one');
    // The patch carries only what changed: never an unchanged router.
    const sent = shown(patch);
    for (const text of carried) t.ok(sent.includes(text), `the patch carries ${text}`);
    const heldRouters = (held.http as Value | undefined)?.routers as Value | undefined;
    const newRouters = (value.http as Value | undefined)?.routers as Value | undefined;
    if (heldRouters && newRouters && !Array.isArray(newRouters)) {
      for (const key of Object.keys(newRouters)) {
        const same = Object.hasOwn(heldRouters, key) && isDeepStrictEqual(heldRouters[key], newRouters[key]) && isDeepStrictEqual(keyPaths(heldRouters[key]), keyPaths(newRouters[key]));
        if (same) t.equal(newRouters[key], heldRouters[key], `unchanged router ${key} is the held object`);
        if (same) t.notOk(sent.includes(`"${key}"`) && sent.includes(String((heldRouters[key] as Value).rule)), `router ${key} is not sent`);
      }
    }
  });
}

t.test('a patch made against another value does not apply', async (t) => {
  const patch = diffValue(deepFreeze(file(routers(2))), file(routers(3)));
  t.throws(() => applyPatch(deepFreeze({ http: 'text' }), patch), /not a frozen mapping/);
  t.throws(() => applyPatch(deepFreeze({ http: { routers: 'text' } }), patch), /not a frozen mapping/);
  t.throws(() => applyPatch({ http: { routers: {} } }, patch), /not a frozen mapping/, 'a held value that is not frozen');
});
