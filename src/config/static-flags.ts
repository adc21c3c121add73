import type { TSchema } from '@sinclair/typebox';
import { BARE, coerce, type Assignment } from './static-assign.js';
import { kindOf, resolvePath, type Segment } from './schema-path.js';

/** What the command line says: the config file to read, the keys it sets, and the flags it could not read. */
export interface ParsedFlags {
  configFile?: string;
  assignments: Assignment[];
  problems: string[];
}

const PART = /^([^[\]]+)((?:\[\d+\])*)$/;

/** Splits `entrypoints.websecure.http.tls.domains[0].main` into segments, or returns undefined when malformed. */
export function splitFlagName(name: string): Segment[] | undefined {
  const segments: Segment[] = [];
  for (const part of name.split('.')) {
    const match = PART.exec(part);
    if (!match) return undefined;
    segments.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

const takesBareValue = (schema: TSchema | undefined) => ['boolean', 'object', 'map', 'any'].includes(kindOf(schema));

/** Reads `--dotted.path=value` flags (also `--dotted.path value`) case-insensitively against the schema. */
export function parseFlags(argv: readonly string[], schema: TSchema): ParsedFlags {
  const result: ParsedFlags = { assignments: [], problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      result.problems.push(`argument "${arg}": not a flag (flags look like --entryPoints.web.address=:80)`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | typeof BARE = eq === -1 ? BARE : arg.slice(eq + 1);
    const next = argv[i + 1];
    const takeNext = (): string | undefined => (next !== undefined && !next.startsWith('--') ? (i++, next) : undefined);
    if (name.toLowerCase() === 'configfile') {
      const file = value === BARE ? takeNext() : value;
      if (file === undefined || file === '') result.problems.push(`flag --${name}: needs a file path`);
      else result.configFile = file;
      continue;
    }
    const segments = splitFlagName(name);
    if (!segments) {
      result.problems.push(`flag --${name}: malformed name (use dotted keys and [n] list indexes)`);
      continue;
    }
    const resolved = resolvePath(schema, segments);
    if (value === BARE) {
      if (!takesBareValue(resolved.schema) || (next !== undefined && /^(true|false)$/i.test(next))) {
        value = takeNext() ?? BARE;
      }
      if (value === BARE && !takesBareValue(resolved.schema) && resolved.known) {
        result.problems.push(`flag --${name}: needs a value (--${name}=VALUE)`);
        continue;
      }
    }
    result.assignments.push({ path: resolved.path, change: coerce(value, resolved.schema), origin: `flag --${name}` });
  }
  return result;
}
