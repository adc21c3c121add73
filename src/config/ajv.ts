import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { isDuration } from '../duration.js';
import { LOG_LEVELS } from '../log.js';
import { closest } from './suggest.js';

// A custom format gives a readable error where a regex pattern would print the regex itself.
const ADDRESS = /^(\[[^\]]*\]|[^:[\]/\s]*):(\d{1,5})(\/(tcp|udp))?$/;

/** Friendly reasons for the custom formats, used by formatErrors. */
const FORMAT_REASONS: Record<string, string> = {
  duration: 'must be a duration such as 10s, 1m30s or 250ms, or a number of seconds',
  address: 'must be [host]:port, optionally followed by /tcp or /udp (e.g. :80, 127.0.0.1:8080, [::1]:443)',
  'log-level': `must be one of ${LOG_LEVELS.join(', ')} (any case)`,
};

/** The one Ajv instance for every configuration schema; defaults are applied in code, not by ajv. */
export const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false, verbose: true });
ajv.addFormat('duration', { type: 'string', validate: (value: string) => isDuration(value) });
ajv.addFormat('address', {
  type: 'string',
  validate: (value: string) => {
    const match = ADDRESS.exec(value);
    return match !== null && Number(match[2]) <= 65535;
  },
});
ajv.addFormat('log-level', {
  type: 'string',
  validate: (value: string) => (LOG_LEVELS as readonly string[]).includes(value.toUpperCase()),
});

const cache = new WeakMap<object, ValidateFunction>();

/** Compiles a TypeBox (or plain JSON) schema once and returns the cached validator afterwards. */
export function compileSchema(schema: TSchema | object): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/** Turns a JSON pointer into the dotted key path users write (`a.b[0].c`). */
export function pointerToPath(pointer: string, prefix = ''): string {
  let path = prefix;
  if (pointer === '') return path;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path;
}

/** Joins a key path and a reason; an empty path (the value itself) leaves just the reason. */
function line(path: string, reason: string): string {
  return path === '' ? reason : `${path} ${reason}`;
}

/** One validation problem: the key path as segments (for attributing it to a source) and its readable line. */
export interface Problem {
  segments: string[];
  text: string;
}

/** Like formatErrors, but keeps each problem's key path as segments. */
export function explainErrors(errors: ErrorObject[] | null | undefined, prefix = ''): Problem[] {
  const list = errors ?? [];
  const unions = list.filter((e) => e.keyword === 'anyOf');
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of list) {
    // Errors inside a union's branches are summarised by the union's own line.
    if (unions.some((u) => u !== error && error.schemaPath.startsWith(`${u.schemaPath}/`))) continue;
    const text = describe(error, pointerToPath(error.instancePath, prefix), list);
    if (seen.has(text)) continue;
    seen.add(text);
    const segments = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    const key = params.additionalProperty ?? params.missingProperty;
    if (key !== undefined && (error.keyword === 'additionalProperties' || error.keyword === 'required')) segments.push(String(key));
    problems.push({ segments, text });
  }
  return problems;
}

/** Turns ajv errors into one line per problem: dotted key path, then the reason. */
export function formatErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return explainErrors(errors, prefix).map((problem) => problem.text);
}

function describe(error: ErrorObject, path: string, all: ErrorObject[]): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const guess = closest(key, known);
      const where = path === '' ? key : `${path}.${key}`;
      return `${where} is not allowed (unknown key)${guess ? `, did you mean ${guess}?` : ''}`;
    }
    case 'required': {
      const key = String(params.missingProperty);
      return `${path === '' ? key : `${path}.${key}`} is required`;
    }
    case 'format':
      return line(path, FORMAT_REASONS[String(params.format)] ?? (error.message ?? 'is invalid'));
    case 'enum':
      return line(path, `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'anyOf':
      return line(path, describeUnion(error, all));
    default:
      return line(path, error.message ?? 'is invalid');
  }
}

/** A union's reason: the branch kinds it accepts, or the allowed literals. */
function describeUnion(error: ErrorObject, all: ErrorObject[]): string {
  const branches = (error.schema as Array<Record<string, unknown>> | undefined) ?? [];
  if (branches.some((b) => b.format === 'duration')) return FORMAT_REASONS.duration!;
  if (branches.length > 0 && branches.every((b) => 'const' in b)) {
    return `must be one of ${branches.map((b) => JSON.stringify(b.const)).join(', ')}`;
  }
  const inner = all.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath !== error.instancePath);
  if (inner.length > 0) return `does not match any allowed form (${inner.map((e) => e.message).join('; ')})`;
  const kinds = branches.map((b) => String(b.type ?? 'value'));
  return `must be ${[...new Set(kinds)].join(' or ')}`;
}
