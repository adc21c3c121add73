import t from 'tap';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import { validateDynamic } from '../../../src/config/validate-dynamic.js';
import { MiddlewareRegistry } from '../../../src/middleware/registry.js';
import { deepFreeze, frozenCopy } from '../../../src/provider/deep-freeze.js';
import { mergeProviderConfigs } from '../../../src/provider/merge.js';

// A reload that changes one router must not re-validate and re-merge the sections it left alone (issue 8):
// an unchanged frozen section is handed on as the same object, and only while that is safe.

const registry = new MiddlewareRegistry();
const snapshot = (rule: string) => ({
  http: {
    routers: { web: { rule, service: 'svc' } },
    services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } },
  },
});

/** One provider's snapshot as the watcher handles it: frozen copy, validation, merge, frozen result. */
function pass<T>(raw: T, previous?: unknown) {
  const copy = frozenCopy(raw, previous);
  const checked = validateDynamic(copy, { provider: 'file' }, registry);
  const merged = mergeProviderConfigs(new Map([['file', checked.config]]));
  return { copy, checked, merged: deepFreeze(merged.config), errors: merged.errors };
}

t.test('an unchanged section is validated and merged once, a changed one again', async (t) => {
  const first = pass(snapshot('Host(`a.test`)'));
  const second = pass(snapshot('Host(`b.test`)'), first.copy);
  t.equal(second.checked.config.http!.services, first.checked.config.http!.services, 'validation hands back the same services section');
  t.not(second.checked.config.http!.routers, first.checked.config.http!.routers, 'the changed routers section is validated again');
  t.equal(second.merged.http!.services, first.merged.http!.services, 'the merge reuses the frozen merged services');
  t.not(second.merged.http!.routers, first.merged.http!.routers);
  t.same(second.merged.http!.routers, { 'web@file': { rule: 'Host(`b.test`)', service: 'svc' } });
  t.same(second.merged.http!.services, { 'svc@file': { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } });
  t.same(second.errors, []);
});

t.test('a section with an invalid element is checked again each time, with its errors', async (t) => {
  const broken = { http: { routers: { web: { rule: 'Host(`a.test`)' } } } };
  const first = pass(broken);
  const second = pass({ http: { routers: { web: { rule: 'Host(`a.test`)' } } } }, first.copy);
  t.equal(second.copy.http.routers, first.copy.http.routers, 'the frozen copy kept the section');
  t.equal(first.checked.errors.length, 1);
  t.equal(second.checked.errors.length, 1, 'the error is reported again');
  t.not(second.checked.config.http!.routers, first.checked.config.http!.routers);
});

t.test('the merge reuses nothing that is not frozen, nor a section a second provider adds to', async (t) => {
  const services = { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } };
  const mutable = mergeProviderConfigs(new Map<string, DynamicConfig>([['file', { http: { services } }]]));
  const again = mergeProviderConfigs(new Map<string, DynamicConfig>([['file', { http: { services } }]]));
  t.not(again.config.http!.services, mutable.config.http!.services, 'an unfrozen input is merged again');

  const frozen = pass(snapshot('Host(`a.test`)'));
  const section = frozen.checked.config.http!.services!;
  const both = mergeProviderConfigs(
    new Map<string, DynamicConfig>([
      ['file', { http: { services: section } }],
      ['other', { http: { services: { more: services.svc } } }],
    ]),
  );
  t.same(Object.keys(both.config.http!.services!).sort(), ['more@other', 'svc@file'], 'both providers are merged');
  t.not(both.config.http!.services, frozen.merged.http!.services);
});

// A changed section whose elements are all valid and kept as they are is handed on as the provider's own
// frozen object (no copy of the 9,999 unchanged routers); one dropped or rewritten element makes a copy.
const sectionCases: Array<[string, Record<string, unknown>, boolean, string[]]> = [
  ['every router valid', { a: { rule: 'Path(`/a`)', service: 's' }, b: { rule: 'Path(`/b`)', service: 's' } }, true, ['a', 'b']],
  ['the first router invalid', { a: { rule: 'Path(`/a`)' }, b: { rule: 'Path(`/b`)', service: 's' } }, false, ['b']],
  ['the last router invalid', { a: { rule: 'Path(`/a`)', service: 's' }, b: { rule: 'Path(`/b`)' } }, false, ['a']],
  ['a name with "@"', { a: { rule: 'Path(`/a`)', service: 's' }, 'b@x': { rule: 'Path(`/b`)', service: 's' } }, false, ['a']],
];
for (const [name, routers, itself, kept] of sectionCases) {
  t.test(`validation of a frozen routers section: ${name}`, async (t) => {
    const section = deepFreeze(structuredClone(routers));
    const checked = validateDynamic(deepFreeze({ http: { routers: section } }), { provider: 'file' }, registry);
    const out = checked.config.http!.routers!;
    t.equal(out === section, itself, itself ? 'the section itself' : 'a copy');
    t.strictSame(Object.keys(out), kept);
    for (const key of kept) t.equal(out[key], section[key], `${key} is the element itself`);
    if (itself) t.ok(Object.isFrozen(out));
  });
}

t.test('merged maps of frozen sections come out frozen; of unfrozen ones, not', async (t) => {
  const frozen = mergeProviderConfigs(new Map<string, DynamicConfig>([['file', deepFreeze(snapshot('Host(`a.test`)'))]]));
  t.ok(Object.isFrozen(frozen.config.http!.routers));
  const mutable = mergeProviderConfigs(new Map<string, DynamicConfig>([['file', snapshot('Host(`a.test`)')]]));
  t.notOk(Object.isFrozen(mutable.config.http!.routers));
  t.same(mutable.config.http!.routers, frozen.config.http!.routers);
});
