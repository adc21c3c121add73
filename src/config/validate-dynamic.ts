import type { TSchema } from '@sinclair/typebox';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import { compileSchema, formatErrors } from './ajv.js';
import { DynamicTopSchema, RouterSchema, ServersTransportSchema, ServiceSchema, TlsSchema, type DynamicConfig } from './dynamic-schema.js';
import { checkMiddleware, checkRouter, checkService } from './element-checks.js';
import { isDeepFrozen, markDeepFrozen } from './deep-frozen.js';
import { keysOf } from './frozen-keys.js';
import { NO_STRINGS } from '../empty.js';
import { putOwn } from '../records.js';

/** Why one element (or the configuration's top level) was left out of a provider's snapshot. */
export interface ElementError {
  kind: 'router' | 'service' | 'middleware' | 'serversTransport' | 'tls' | 'config';
  /** Qualified name, `name@provider`, when the error concerns a named element. */
  name?: string;
  raw?: unknown;
  message: string;
}

/** Where a snapshot came from; `origin` may name the file per element when a provider reads several. */
export interface DynamicSource {
  provider: string;
  origin?: string | ((kind: ElementError['kind'], name?: string) => string | undefined);
}

type Kind = ElementError['kind'];
type Check = (value: unknown, middlewares: MiddlewareRegistry) => string[];

// Each http section: its element kind and the checks an element must pass to be kept.
const SECTIONS: Array<['routers' | 'services' | 'middlewares' | 'serversTransports', Kind, Check]> = [
  ['routers', 'router', (value) => both(schemaLines(RouterSchema, value), checkRouter(value))],
  ['services', 'service', (value) => both(schemaLines(ServiceSchema, value), checkService(value))],
  ['middlewares', 'middleware', (value, middlewares) => checkMiddleware(value, middlewares)],
  ['serversTransports', 'serversTransport', (value) => schemaLines(ServersTransportSchema, value)],
];

// Both lists of problems; a valid element (the usual one) allocates nothing more.
const both = (a: string[], b: string[]): string[] => (b.length === 0 ? a : a.length === 0 ? b : [...a, ...b]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// YAML's `compress:` (no value) means "with defaults", as Traefik users write it.
function withEmptyOptions(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const keys = Object.keys(raw);
  return keys.length === 1 && raw[keys[0]!] === null ? { [keys[0]!]: {} } : raw;
}

interface Checked {
  value: unknown;
  lines: string[];
}

// Per registry and kind: a deep-frozen element (the watcher freezes snapshots, and an unchanged element keeps
// its object from one snapshot to the next) is checked once; weak keys drop results with their elements. An
// element kept as it is remembers only its problems (one shared empty list when valid, issue 8).
const memo = new WeakMap<MiddlewareRegistry, Map<Kind, WeakMap<object, Checked | string[]>>>();

function checked(kind: Kind, raw: unknown, middlewares: MiddlewareRegistry, check: Check): Checked {
  const frozen = isDeepFrozen(raw);
  let byKind = frozen ? memo.get(middlewares) : undefined;
  if (frozen && !byKind) memo.set(middlewares, (byKind = new Map()));
  let results = byKind?.get(kind);
  if (byKind && !results) byKind.set(kind, (results = new WeakMap()));
  const known = results?.get(raw as object);
  if (known) return Array.isArray(known) ? { value: raw, lines: known } : known;
  const value = kind === 'middleware' ? withEmptyOptions(raw) : raw;
  const found = check(value, middlewares);
  const lines = found.length === 0 ? NO_STRINGS : found;
  results?.set(raw as object, value === raw ? lines : { value, lines });
  return { value, lines };
}

// Per registry and section: a deep-frozen section (one the watcher kept from the previous snapshot, since
// none of its elements changed) whose elements were all valid gives the same kept object again, so a
// reload changing one router does not re-walk the 10,000 services (issue 8).
const sectionMemo = new WeakMap<MiddlewareRegistry, Map<string, WeakMap<object, Record<string, unknown>>>>();

function sectionsOf(middlewares: MiddlewareRegistry, section: string): WeakMap<object, Record<string, unknown>> {
  let bySection = sectionMemo.get(middlewares);
  if (!bySection) sectionMemo.set(middlewares, (bySection = new Map()));
  let sections = bySection.get(section);
  if (!sections) bySection.set(section, (sections = new WeakMap()));
  return sections;
}

function schemaLines(schema: TSchema, value: unknown, prefix = ''): string[] {
  const validate = compileSchema(schema);
  return validate(value) ? NO_STRINGS : formatErrors(validate.errors, prefix);
}

/**
 * Validates a provider's snapshot element by element: valid elements are kept unchanged, invalid ones are
 * left out and reported, so one broken element never takes the rest of the snapshot down with it.
 */
export function validateDynamic(input: unknown, source: DynamicSource, middlewares: MiddlewareRegistry): { config: DynamicConfig; errors: ElementError[] } {
  const errors: ElementError[] = [];
  const config: DynamicConfig = {};
  const report = (kind: Kind, name: string | undefined, raw: unknown, lines: string[]) => {
    const origin = typeof source.origin === 'function' ? source.origin(kind, name) : source.origin;
    const qualified = name === undefined ? undefined : `${name}@${source.provider}`;
    const label = `${kind}${qualified === undefined ? '' : ` "${qualified}"`}${origin ? ` (${origin})` : ''}`;
    for (const line of lines) errors.push({ kind, ...(qualified !== undefined && { name: qualified }), raw, message: `${label}: ${line}` });
  };

  // An empty file or document is an empty snapshot, which means "no routes".
  if (input === null || input === undefined) return { config, errors };
  const top = compileSchema(DynamicTopSchema);
  if (!top(input)) {
    // Problems inside tls are reported per certificate, option or store by validateTls.
    const problems = formatErrors(top.errors).filter((line) => !line.startsWith('tls.'));
    report('config', undefined, input, problems);
  }
  if (!isObject(input)) return { config, errors };

  const http = input.http;
  if (isObject(http)) {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [section, kind, check] of SECTIONS) {
      const elements = http[section];
      if (!isObject(elements)) continue;
      const sections = isDeepFrozen(elements) ? sectionsOf(middlewares, section) : undefined;
      const known = sections?.get(elements);
      if (known) {
        out[section] = known;
        continue;
      }
      // A deep-frozen section whose elements are all kept as they are is kept itself: no copy is built until an
      // element is dropped or changed (a reload changing one router of 10,000 copied the other 9,999, issue 8).
      const names = keysOf(elements);
      let kept: Record<string, unknown> | undefined = sections ? undefined : {};
      let clean = true;
      let frozen = true;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const raw = elements[name];
        let keep: unknown = raw;
        let dropped = true;
        if (name.includes('@')) {
          report(kind, name, raw, ['name must not contain "@" (the provider qualifies names itself; use @ only in references)']);
          clean = false;
        } else {
          const { value, lines } = checked(kind, raw, middlewares, check);
          if (lines.length > 0) {
            report(kind, name, raw, lines);
            clean = false;
          } else {
            keep = value;
            dropped = false;
            frozen &&= value === raw;
          }
        }
        if (kept === undefined) {
          if (!dropped && keep === raw) continue;
          kept = {};
          for (let j = 0; j < i; j++) putOwn(kept, names[j]!, elements[names[j]!]);
        }
        if (!dropped) putOwn(kept, name, keep);
      }
      out[section] = kept ?? elements;
      // Only a section without errors is remembered: errors name their origin, which may change on its own.
      // Kept unchanged elements only, it is deep-frozen like them, so the merge can key on it too.
      if (clean && sections) {
        if (kept !== undefined && frozen) Object.freeze(markDeepFrozen(kept));
        sections.set(elements, kept ?? elements);
      }
    }
    config.http = out as DynamicConfig['http'];
  }
  if (isObject(input.tcp)) config.tcp = input.tcp;
  if (isObject(input.udp)) config.udp = input.udp;
  if (isObject(input.tls)) config.tls = validateTls(input.tls, report);
  return { config, errors };
}

const CertificateSchema = TlsSchema.properties.certificates.items;

/** TLS certificates, options and stores are kept or dropped one by one, like the other elements. */
function validateTls(tls: Record<string, unknown>, report: (kind: Kind, name: string | undefined, raw: unknown, lines: string[]) => void): DynamicConfig['tls'] {
  const out: Record<string, unknown> = {};
  if (Array.isArray(tls.certificates)) {
    out.certificates = tls.certificates.filter((certificate, index) => {
      const lines = schemaLines(CertificateSchema, certificate, `certificates[${index}]`);
      report('tls', undefined, certificate, lines);
      return lines.length === 0;
    });
  }
  for (const group of ['options', 'stores'] as const) {
    if (!isObject(tls[group])) continue;
    const kept: Record<string, unknown> = (out[group] = {});
    for (const [name, value] of Object.entries(tls[group])) {
      if (isObject(value)) putOwn(kept, name, value);
      else report('tls', name, value, [`${group}.${name} must be object`]);
    }
  }
  // Wrong-typed sections and unknown keys are reported here because the top-level check skips tls.
  const schemaProblems = schemaLines(TlsSchema, { ...tls, certificates: Array.isArray(tls.certificates) ? [] : tls.certificates, options: undefined, stores: undefined });
  const sections = ['options', 'stores'].filter((group) => tls[group] !== undefined && !isObject(tls[group])).map((group) => `${group} must be object`);
  report('tls', undefined, tls, [...schemaProblems, ...sections]);
  return out as DynamicConfig['tls'];
}
