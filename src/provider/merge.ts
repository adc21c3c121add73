import type { DynamicConfig, TlsConfig } from '../config/dynamic-schema.js';
import type { ElementError } from '../config/validate-dynamic.js';
import { isDeepFrozen, markDeepFrozen } from '../config/deep-frozen.js';
import { keysOf, rememberKeys } from '../config/frozen-keys.js';

/** Qualifies a reference in its referrer's provider: `ref` if it already names one (`x@file`), else `ref@provider`. */
export function qualify(ref: string, provider: string): string {
  return ref.includes('@') ? ref : `${ref}@${provider}`;
}

/** The merged configuration and the conflicts found while merging. */
export interface MergeResult {
  config: DynamicConfig;
  errors: ElementError[];
}

type NamedMaps = Record<string, Record<string, unknown>>;

// Per protocol: section → the ElementError kind used when an element of it is dropped.
const SECTIONS: Record<'http' | 'tcp' | 'udp', Record<string, ElementError['kind']>> = {
  http: { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' },
  tcp: { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' },
  udp: { routers: 'router', services: 'service' },
};

/** Merges per-provider configurations into one whose element names are all `name@provider`; see mergeProviderConfigs. */
export function mergeSnapshots(byProvider: Map<string, DynamicConfig>): DynamicConfig {
  return mergeProviderConfigs(byProvider).config;
}

/**
 * Merges per-provider configurations (providers in name order, so the result is deterministic).
 * References inside elements are left as written: the compiler resolves them in the referrer's provider.
 * A name containing `@` is dropped, since it could impersonate another provider's element (§2.1 forbids it).
 */
export function mergeProviderConfigs(byProvider: Map<string, DynamicConfig>): MergeResult {
  const errors: ElementError[] = [];
  const config: DynamicConfig = { http: { routers: {}, services: {}, middlewares: {}, serversTransports: {} } };
  const providers = [...byProvider.keys()].sort();
  const reused = reuseHttpSections(providers, byProvider, config);
  // Merged maps built only from deep-frozen sections are frozen here, so freezing the result later stops at them.
  const unfrozen = new Set<object>();
  // Each built map's keys in order, handed on with it so that its readers do not list it again.
  const listedKeys = new Map<object, string[]>();
  for (const protocol of ['http', 'tcp', 'udp'] as const) {
    for (const provider of providers) {
      const from = byProvider.get(provider)![protocol] as NamedMaps | undefined;
      if (!from) continue;
      const into = (config[protocol] ??= {}) as NamedMaps;
      const qualified = qualifiedNames(provider);
      for (const [section, kind] of Object.entries(SECTIONS[protocol])) {
        if (protocol === 'http' && reused.has(section)) continue;
        const elements = from[section] ?? {};
        const names = keysOf(elements);
        if (names.length === 0) continue;
        const target = (into[section] ??= {});
        if (!isDeepFrozen(elements)) unfrozen.add(target);
        let keys = listedKeys.get(target);
        if (!keys) listedKeys.set(target, (keys = []));
        for (const name of names) {
          const element = elements[name];
          if (name.includes('@')) {
            errors.push({ kind, name, raw: element, message: `${kind} "${name}" from provider "${provider}": a name must not contain "@"` });
            continue;
          }
          let key = qualified.get(name);
          if (key === undefined) qualified.set(name, (key = `${name}@${provider}`));
          // A qualified name always contains "@", so it is never `__proto__`: a plain assignment is safe here and
          // several times cheaper than defineProperty over 10,000 elements (issue 8).
          target[key] = element;
          keys.push(key);
        }
      }
    }
  }
  for (const protocol of ['http', 'tcp', 'udp'] as const) {
    for (const target of Object.values((config[protocol] ?? {}) as NamedMaps)) {
      if (unfrozen.has(target) || isDeepFrozen(target)) continue;
      Object.freeze(markDeepFrozen(target));
      rememberKeys(target, listedKeys.get(target) ?? NO_KEYS);
    }
  }
  trimQualifiedNames();
  rememberHttpSections(providers, byProvider, config, errors, reused);
  const tls = mergeTls(providers, byProvider, errors);
  if (tls) config.tls = tls;
  return { config, errors };
}

// Per provider, each name's qualified form, kept from one merge to the next: building and hashing 10,000 new
// `name@provider` keys cost a reload about 1.5 ms (issue 8). Names no merge uses any more are dropped now and then.
const qualifiedByProvider = new Map<string, Map<string, string>>();
const QUALIFIED_NAMES_KEPT = 50_000;
const NO_KEYS: readonly string[] = [];

function qualifiedNames(provider: string): Map<string, string> {
  let names = qualifiedByProvider.get(provider);
  if (!names) qualifiedByProvider.set(provider, (names = new Map()));
  return names;
}

function trimQualifiedNames(): void {
  let total = 0;
  for (const names of qualifiedByProvider.values()) total += names.size;
  if (total > QUALIFIED_NAMES_KEPT) qualifiedByProvider.clear();
}

// An http section only one provider defines, merged from that provider's deep-frozen section object, is kept
// with that object (weakly). When the next merge gets the very same object (validation hands back an unchanged
// section as the same frozen object) and the earlier result has since been deep-frozen (it went through the
// watcher, so nothing can have changed it), that result is the merge: a reload changing one router of 10,000 does not
// re-merge the 10,000 services (issue 8). Sections with merge errors are never kept.
const mergedSections = new WeakMap<object, { provider: string; merged: Record<string, unknown> }>();

function soleSource(providers: string[], byProvider: Map<string, DynamicConfig>, section: string): { provider: string; from: object } | undefined {
  let found: { provider: string; from: object } | undefined;
  for (const provider of providers) {
    const from = (byProvider.get(provider)!.http as NamedMaps | undefined)?.[section];
    if (from === undefined) continue;
    if (found || typeof from !== 'object' || from === null) return undefined;
    found = { provider, from };
  }
  return found;
}

function reuseHttpSections(providers: string[], byProvider: Map<string, DynamicConfig>, config: DynamicConfig): Set<string> {
  const reused = new Set<string>();
  for (const section of Object.keys(SECTIONS.http)) {
    const source = soleSource(providers, byProvider, section);
    const earlier = source ? mergedSections.get(source.from) : undefined;
    if (!earlier || earlier.provider !== source!.provider || !isDeepFrozen(source!.from) || !isDeepFrozen(earlier.merged)) continue;
    (config.http as NamedMaps)[section] = earlier.merged;
    reused.add(section);
  }
  return reused;
}

function rememberHttpSections(providers: string[], byProvider: Map<string, DynamicConfig>, config: DynamicConfig, errors: ElementError[], reused: Set<string>): void {
  for (const [section, kind] of Object.entries(SECTIONS.http)) {
    if (reused.has(section) || errors.some((error) => error.kind === kind)) continue;
    const source = soleSource(providers, byProvider, section);
    const merged = (config.http as NamedMaps | undefined)?.[section];
    if (source && merged && isDeepFrozen(source.from)) mergedSections.set(source.from, { provider: source.provider, merged });
  }
}

function mergeTls(providers: string[], byProvider: Map<string, DynamicConfig>, errors: ElementError[]): TlsConfig | undefined {
  const certificates: NonNullable<TlsConfig['certificates']> = [];
  const options: Record<string, Record<string, unknown>> = {};
  const stores: Record<string, Record<string, unknown>> = {};
  const optionOwner = new Map<string, string>();
  const storeOwner = new Map<string, string>();
  const conflicts = new Set<string>();
  for (const provider of providers) {
    const tls = byProvider.get(provider)!.tls;
    if (!tls) continue;
    certificates.push(...(tls.certificates ?? []));
    for (const [name, value] of Object.entries(tls.options ?? {})) {
      // `default` is global (no provider suffix), so two providers defining it conflict (§2.1).
      const key = name === 'default' ? name : qualify(name, provider);
      claim(`option:${key}`, key, value, provider, options, optionOwner, conflicts, errors);
    }
    // Stores are global by name; only `default` is used.
    for (const [name, value] of Object.entries(tls.stores ?? {})) claim(`store:${name}`, name, value, provider, stores, storeOwner, conflicts, errors);
  }
  if (certificates.length === 0 && Object.keys(options).length === 0 && Object.keys(stores).length === 0) return undefined;
  const result: TlsConfig = {};
  if (certificates.length > 0) result.certificates = certificates;
  if (Object.keys(options).length > 0) result.options = options;
  if (Object.keys(stores).length > 0) result.stores = stores;
  return result;
}

// A global name defined by two providers is dropped for both, with an error naming them (Traefik falls back to built-ins).
function claim(
  id: string,
  key: string,
  value: Record<string, unknown>,
  provider: string,
  into: Record<string, Record<string, unknown>>,
  owners: Map<string, string>,
  conflicts: Set<string>,
  errors: ElementError[],
): void {
  const owner = owners.get(key);
  if (owner === undefined && !conflicts.has(id)) {
    owners.set(key, provider);
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  if (!conflicts.has(id)) {
    conflicts.add(id);
    delete into[key];
    const what = id.startsWith('option:') ? 'TLS option' : 'TLS store';
    errors.push({ kind: 'tls', name: key, raw: value, message: `${what} "${key}" is defined by providers "${owner}" and "${provider}"; it is dropped` });
  }
}
