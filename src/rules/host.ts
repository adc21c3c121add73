/**
 * The canonical form of a Host header or URI authority, as Traefik compares it: port removed,
 * IPv6 brackets removed, lower-cased, trimmed, trailing dot removed ('' when there is none).
 */
export function canonicalHost(hostHeader: string | undefined): string {
  let host = (hostHeader ?? '').trim();
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close > 0 ? host.slice(1, close) : host;
  } else {
    const colon = host.indexOf(':');
    // More than one colon without brackets is a bare IPv6 address, not host:port (Go keeps it).
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) host = host.slice(0, colon);
  }
  host = host.toLowerCase();
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * Checks a Host matcher argument and returns its canonical form (lower-cased, brackets and a
 * trailing dot removed); throws an Error saying why the argument is not a host expression.
 */
export function hostExpression(arg: string): string {
  // Traefik refuses non-ASCII hosts: users must write the punycode (xn--) form.
  if (!/^[\x00-\x7f]*$/.test(arg)) {
    throw new Error(`invalid value ${JSON.stringify(arg)} for Host matcher, non-ASCII characters are not allowed (use punycode)`);
  }
  let host = arg.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.') && host.length > 1) host = host.slice(0, -1);
  const wildcard = host === '*' || host.startsWith('*.');
  const rest = wildcard ? host.slice(2) : host;
  if ((wildcard && host !== '*' && rest === '') || !/^[a-z0-9._:-]*$/.test(rest)) {
    throw new Error(`invalid value ${JSON.stringify(arg)} for Host matcher, not a host name ("*" is only allowed as a whole first label)`);
  }
  return host;
}

/** Whether a request host (canonical) matches a canonical host expression: exact, `*.suffix` (exactly one label more) or `*`. */
export function hostMatches(expr: string, host: string): boolean {
  if (expr === '*') return true;
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  if (h === '') return false;
  if (!expr.startsWith('*.')) return h === expr;
  const dot = h.indexOf('.');
  return dot >= 0 && h.slice(dot + 1) === expr.slice(2);
}

/** The `*.suffix` key a canonical request host would be found under in a wildcard index, or undefined. */
export function wildcardKey(host: string): string | undefined {
  const dot = host.indexOf('.');
  return dot >= 0 ? host.slice(dot + 1) : undefined;
}
