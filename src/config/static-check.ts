import { badIpRanges } from '../ip-ranges.js';
import type { Problem } from './ajv.js';
import { needsInternalEntryPoint } from './static-defaults.js';
import type { StaticConfigInput } from './static-schema.js';
import { INTERNAL_ENTRY_POINT } from './static-types.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a nested value without trusting the shape, so these checks also run when the schema failed. */
function at(value: unknown, ...keys: string[]): unknown {
  for (const key of keys) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

/** Checks that span several keys, which a schema cannot express; safe on input the schema rejected. */
export function checkStaticConfig(input: unknown): Problem[] {
  const raw = (isObject(input) ? input : {}) as StaticConfigInput;
  const problems: Problem[] = [];
  const add = (segments: string[], text: string) => problems.push({ segments, text });

  const file = at(raw, 'providers', 'file');
  if (isObject(file) && (file.filename === undefined) === (file.directory === undefined)) {
    const both = file.filename !== undefined;
    add(['providers', 'file'], `providers.file must set exactly one of filename or directory (${both ? 'both are set' : 'neither is set'})`);
  }

  // Mirrors resolveStaticConfig's implicit entry points so references to them are accepted.
  const entryPoints = isObject(raw.entryPoints) ? raw.entryPoints : {};
  const names = new Set(Object.keys(entryPoints));
  if (names.size === 0) names.add('http');
  if (needsInternalEntryPoint(raw)) names.add(INTERNAL_ENTRY_POINT);
  const reference = (segments: string[], name: unknown) => {
    if (typeof name === 'string' && !names.has(name)) {
      add(segments, `${segments.join('.')} names entry point "${name}", which is not defined (defined: ${[...names].sort().join(', ')})`);
    }
  };

  for (const [name, entryPoint] of Object.entries(entryPoints)) {
    // Read as Go reads them (Traefik refuses the entry point otherwise): `10.0.0.0/` must not become /0.
    const trusted = at(entryPoint, 'forwardedHeaders', 'trustedIPs');
    if (Array.isArray(trusted)) {
      for (const [i, entry] of badIpRanges(trusted)) {
        add(['entryPoints', name, 'forwardedHeaders', 'trustedIPs', String(i)], `entryPoints.${name}.forwardedHeaders.trustedIPs[${i}]: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
      }
    }
    const to = at(entryPoint, 'http', 'redirections', 'entryPoint', 'to');
    if (typeof to === 'string' && !/^:\d{1,5}$/.test(to)) reference(['entryPoints', name, 'http', 'redirections', 'entryPoint', 'to'], to);
    if (to === name) add(['entryPoints', name, 'http', 'redirections', 'entryPoint', 'to'], `entryPoints.${name}.http.redirections.entryPoint.to redirects the entry point to itself`);
  }
  reference(['ping', 'entryPoint'], at(raw, 'ping', 'entryPoint'));
  reference(['metrics', 'prometheus', 'entryPoint'], at(raw, 'metrics', 'prometheus', 'entryPoint'));

  // Traefik documents `api.insecure` as incompatible with a custom basePath.
  const basePath = at(raw, 'api', 'basePath');
  if (at(raw, 'api', 'insecure') === true && typeof basePath === 'string' && basePath !== '/') {
    add(['api', 'basePath'], 'api.basePath cannot be changed when api.insecure is set');
  }
  return problems;
}
