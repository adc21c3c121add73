/** A bad annotation value: the message names the annotation as written on the object. */
export class AnnotationError extends Error {
  /** `key` is the full annotation name, e.g. `switchyard.io/router.priority`. */
  constructor(key: string, value: string, reason: string) {
    super(`annotation "${key}": ${JSON.stringify(value)} ${reason}`);
    this.name = 'AnnotationError';
  }
}

/** One annotation found under a known prefix. */
export interface Annotation {
  key: string;
  value: string;
}

// Go's strconv.ParseBool, which Traefik's label decoder uses: migrated manifests may say "True" or "1".
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Parses a boolean annotation as Go does; throws an AnnotationError otherwise. */
export function parseBool(a: Annotation): boolean {
  const value = a.value.trim();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new AnnotationError(a.key, a.value, 'is not a boolean (true or false)');
}

/** Parses a base-10 integer annotation within [min, max]; throws an AnnotationError otherwise. */
export function parseInteger(a: Annotation, min = -2147483648, max = 2147483647): number {
  const value = a.value.trim();
  if (!/^[+-]?\d+$/.test(value)) throw new AnnotationError(a.key, a.value, 'is not an integer');
  const n = Number(value);
  if (n < min || n > max) throw new AnnotationError(a.key, a.value, `is out of range [${min}, ${max}]`);
  return n;
}

/** Splits a comma-separated annotation, trimming items and dropping empty ones. */
export function parseList(a: Annotation): string[] {
  return a.value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Parses a list of references to elements of other providers: an Ingress cannot define middlewares, TLS options
 * or servers transports, so a name without `@provider` would point at nothing (`default` TLS options excepted).
 */
export function parseReferences(a: Annotation, allowDefault = false): string[] {
  const names = parseList(a);
  if (names.length === 0) throw new AnnotationError(a.key, a.value, 'is empty');
  for (const name of names) {
    if (allowDefault && name === 'default') continue;
    if (!/^[^@\s]+@[^@\s]+$/.test(name)) throw new AnnotationError(a.key, a.value, `names "${name}" without a provider suffix (write e.g. "${name}@file")`);
  }
  return names;
}

/** Parses a single reference to another provider's element (see {@link parseReferences}). */
export function parseReference(a: Annotation, allowDefault = false): string {
  const names = parseReferences(a, allowDefault);
  if (names.length > 1) throw new AnnotationError(a.key, a.value, 'names more than one element');
  return names[0]!;
}

/** Parses a value from a closed set, compared case-sensitively unless `fold` lower-cases first. */
export function parseChoice<T extends string>(a: Annotation, choices: readonly T[], fold = false): T {
  const value = fold ? a.value.trim().toLowerCase() : a.value.trim();
  const found = choices.find((choice) => choice === value);
  if (found === undefined) throw new AnnotationError(a.key, a.value, `is not one of ${choices.join(', ')}`);
  return found;
}
