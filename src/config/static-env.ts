import type { TSchema } from '@sinclair/typebox';
import { coerce, type Assignment } from './static-assign.js';
import { resolvePath } from './schema-path.js';

/** The prefix of environment variables that carry static configuration. */
export const ENV_PREFIX = 'SWITCHYARD_';

/** Environment variables read as static configuration, in name order so the result does not depend on the platform. */
export function parseEnv(env: Record<string, string | undefined>, schema: TSchema): { assignments: Assignment[]; problems: string[] } {
  const assignments: Assignment[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).toLowerCase().split('_');
    if (segments.some((segment) => segment === '')) {
      problems.push(`env ${name}: malformed name (segments are separated by a single _)`);
      continue;
    }
    // Map keys may contain `_` here, unlike Traefik: the schema decides where a key ends (SWITCHYARD_ENTRYPOINTS_MY_EP_ADDRESS).
    const resolved = resolvePath(schema, segments, true);
    assignments.push({ path: resolved.path, change: coerce(value, resolved.schema), origin: `env ${name}` });
  }
  return { assignments, problems };
}
