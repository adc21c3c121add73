import type { DynamicConfig } from '../../src/config/dynamic-schema.js';

/** One parsed file, named relative to the provider's directory. */
export interface ParsedFile {
  name: string;
  value: Record<string, unknown>;
}

/** The files merged into one provider configuration, with the file each element came from. */
export interface CombinedFiles {
  config: DynamicConfig;
  errors: string[];
  origins: Record<string, string>;
}

// Section → element kind used in origin keys and messages; the http kinds match ElementError's kinds.
const GROUPS: Record<string, Record<string, string>> = {
  http: { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' },
  tcp: { routers: 'tcpRouter', services: 'tcpService', middlewares: 'tcpMiddleware', serversTransports: 'tcpServersTransport' },
  udp: { routers: 'udpRouter', services: 'udpService' },
  tls: { options: 'tlsOption', stores: 'tlsStore' },
};

type Sections = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Merges parsed files in the given order: the first definition of a name wins and each later one is
 * reported naming both files (Traefik keeps the first too, but only logs it). Empty sections are fine.
 */
export function combineFiles(files: ParsedFile[]): CombinedFiles {
  const out: Sections = {};
  const certificates: unknown[] = [];
  const errors: string[] = [];
  const origins: Record<string, string> = {};
  for (const file of files) {
    for (const [groupKey, group] of Object.entries(file.value)) {
      const kinds = GROUPS[groupKey];
      if (!kinds) {
        errors.push(`${file.name}: unknown key "${groupKey}" (expected http, tcp, udp or tls)`);
        continue;
      }
      if (group === null || group === undefined) continue;
      if (!isMapping(group)) {
        errors.push(`${file.name}: "${groupKey}" must be a mapping`);
        continue;
      }
      for (const [sectionKey, section] of Object.entries(group)) {
        if (groupKey === 'tls' && sectionKey === 'certificates') {
          if (Array.isArray(section)) certificates.push(...section);
          else if (section !== null && section !== undefined) errors.push(`${file.name}: "tls.certificates" must be a list`);
          continue;
        }
        const kind = kinds[sectionKey];
        if (!kind) {
          errors.push(`${file.name}: unknown key "${groupKey}.${sectionKey}"`);
          continue;
        }
        if (section === null || section === undefined) continue;
        if (!isMapping(section)) {
          errors.push(`${file.name}: "${groupKey}.${sectionKey}" must be a mapping`);
          continue;
        }
        for (const [name, element] of Object.entries(section)) {
          const key = `${kind}:${name}`;
          const first = origins[key];
          if (first !== undefined) {
            errors.push(`${file.name}: ${kind} "${name}" is already defined in ${first}; the first definition is kept`);
            continue;
          }
          origins[key] = file.name;
          // defineProperty: a name such as `__proto__` must stay a plain key, not reach the prototype.
          Object.defineProperty(((out[groupKey] ??= {})[sectionKey] ??= {}), name, { value: element, enumerable: true, writable: true, configurable: true });
        }
      }
    }
  }
  if (certificates.length > 0) (out.tls ??= {}).certificates = certificates as unknown as Record<string, unknown>;
  return { config: out as DynamicConfig, errors, origins };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
