import type { DynamicConfig } from '../config/dynamic-schema.js';
import type { ElementError, validateDynamic } from '../config/validate-dynamic.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';

/** The shape of validateDynamic, injectable so the watcher's own tests do not depend on its rules. */
export type ValidateDynamic = typeof validateDynamic;

/** A snapshot after the boundary: only valid elements, and every error naming its provider and origin. */
export interface CheckedSnapshot {
  config: DynamicConfig;
  errors: ElementError[];
}

type Obj = Record<string, unknown>;

/**
 * Validates an untrusted provider snapshot; each element error names the origin (e.g. the file) the
 * snapshot's `origins` (or else its `origin`) give for it. Throws when the value is not a snapshot at all.
 */
export function checkSnapshot(provider: string, raw: unknown, middlewares: MiddlewareRegistry, validate: ValidateDynamic): CheckedSnapshot {
  if (!isObj(raw) || !('config' in raw)) throw new Error(`provider "${provider}" yielded a value that is not a snapshot`);
  const origins = isObj(raw.origins) ? raw.origins : {};
  const originOf = (kind: ElementError['kind'], name?: string): string | undefined => {
    if (name === undefined) return undefined;
    const keys = kind === 'tls' ? [`tlsOption:${name}`, `tlsStore:${name}`] : [`${kind}:${name}`];
    const found = keys.map((key) => (Object.hasOwn(origins, key) ? origins[key] : undefined)).find((value) => typeof value === 'string');
    // Elements `origins` does not list came from the snapshot's `origin` (the file provider's first file).
    return (found ?? (typeof raw.origin === 'string' ? raw.origin : undefined)) as string | undefined;
  };
  const sourceErrors = Array.isArray(raw.errors) ? raw.errors : [];
  const errors: ElementError[] = sourceErrors.map((error) => ({ kind: 'config', message: `provider "${provider}": ${String(error)}` }));
  const result = validate(raw.config ?? {}, { provider, origin: originOf }, middlewares);
  for (const error of result.errors) errors.push({ ...error, message: nameSource(error.message, provider) });
  return { config: result.config, errors };
}

// Element messages name `x@provider`; top-level ones do not, and the user must still find their source.
function nameSource(message: string, provider: string): string {
  return message.includes(`@${provider}`) || message.includes(`"${provider}"`) ? message : `provider "${provider}": ${message}`;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
