import type { PATH_MATCHERS } from './annotations.js';

/** How one Ingress path is matched. */
export interface PathSpec {
  host?: string;
  path?: string;
  /** `Exact`, `Prefix`, `ImplementationSpecific` or empty. */
  pathType?: string;
  /** `router.pathmatcher`, used for ImplementationSpecific (and empty) path types only. */
  pathMatcher?: (typeof PATH_MATCHERS)[number];
  /** Element-wise Prefix matching per the Ingress spec (Switchyard's default); false gives Traefik's character-wise one. */
  strictPrefixMatching: boolean;
}

// Go's %q for the ASCII strings of hosts and paths; our rule parser reads Go string escapes.
const quote = (value: string): string => JSON.stringify(value);

/**
 * Builds the rule of one Ingress path; throws an Error saying why the path cannot be routed.
 * Wildcard hosts (`*.example.com`) stay as they are: the Host matcher takes them as exactly one more label, as the
 * Ingress spec says. Prefix is element-wise: `/v1` (or `/v1/`) matches `/v1` and `/v1/x`, not `/v11`.
 */
export function buildRule(spec: PathSpec): string {
  const parts: string[] = [];
  if (spec.host) parts.push(`Host(${quote(spec.host)})`);
  const path = spec.path ?? '';
  const type = spec.pathType ?? '';
  if (type !== '' && type !== 'Exact' && type !== 'Prefix' && type !== 'ImplementationSpecific') {
    throw new Error(`pathType "${type}" is not Exact, Prefix or ImplementationSpecific`);
  }
  if ((type === 'Exact' || type === 'Prefix') && !path.startsWith('/')) throw new Error(`path "${path}" of pathType ${type} must start with "/"`);
  if (path !== '') parts.push(pathMatcher(type, path, spec));
  // A rule needs a matcher: an Ingress rule with neither host nor path takes every request.
  return parts.length > 0 ? parts.join(' && ') : 'PathPrefix("/")';
}

function pathMatcher(type: string, path: string, spec: PathSpec): string {
  if (type === 'Exact') return `Path(${quote(path)})`;
  if (type === 'Prefix') {
    if (!spec.strictPrefixMatching) return `PathPrefix(${quote(path)})`;
    // The spec splits paths on "/" and ignores a trailing one (Traefik #11200: "/v1" must not match "/v11").
    const trimmed = path.replace(/\/+$/, '');
    return trimmed === '' ? 'PathPrefix("/")' : `(Path(${quote(trimmed)}) || PathPrefix(${quote(`${trimmed}/`)}))`;
  }
  // ImplementationSpecific means Switchyard's own matchers, applied as written.
  const matcher = spec.pathMatcher ?? 'PathPrefix';
  if (matcher !== 'PathRegexp' && !path.startsWith('/')) throw new Error(`path "${path}" must start with "/" for ${matcher}`);
  return `${matcher}(${quote(path)})`;
}
