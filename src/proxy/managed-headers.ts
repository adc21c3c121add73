/**
 * Forwarding headers the gateway owns: Traefik's managed list plus RFC 7239 `Forwarded`, which
 * Traefik leaves alone but a back end may trust just the same (security reference §2.6).
 */
export const MANAGED_HEADERS: readonly string[] = [
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-prefix',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-real-ip',
  'forwarded',
];

const MANAGED = new Set(MANAGED_HEADERS);

/** Folds a header name to its dash form, so `X_Forwarded_For` and `x-forwarded-for` compare equal. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replaceAll('_', '-');
}

/** True for a managed header or one of its underscore aliases (GHSA-5m6w-wvh7-57vm). */
export function isManagedHeader(name: string): boolean {
  if (MANAGED.has(name)) return true;
  // Runs for every request header: only a name with `_` or upper case can fold into a managed one.
  return (name.includes('_') || name !== name.toLowerCase()) && MANAGED.has(canonicalHeaderName(name));
}
