import type { IncomingMessage, ServerResponse } from 'node:http';
import { getContext } from '../../src/http/context.js';
import { canonicalHost } from '../../src/rules/compile.js';
import type { HeadersConfig } from './schema.js';

/** The security-header part of one `headers` middleware (Traefik delegates it to unrolled/secure). */
export interface Security {
  /** True when some security header may be set on responses. */
  setsHeaders: boolean;
  /** False when allowedHosts is set and the request's host is not in it. */
  hostAllowed(req: IncomingMessage): boolean;
  /** Sets the security headers on the response, over the server's own. */
  responseHeaders(req: IncomingMessage, res: ServerResponse): void;
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Builds the security part of `headers`. */
export function createSecurity(config: HeadersConfig): Security {
  const dev = config.isDevelopment ?? false;
  const allowed = (config.allowedHosts ?? []).map((h) => h.trim().toLowerCase());
  const proxyHeaders = config.hostsProxyHeaders ?? [];
  const sslHeaders = Object.entries(config.sslProxyHeaders ?? {});

  const isHttps = (req: IncomingMessage): boolean => getContext(req).tls || sslHeaders.some(([name, value]) => header(req, name) === value);

  // Headers that do not depend on the request are computed once.
  const fixed: [string, string][] = [];
  const frame = config.customFrameOptionsValue || (config.frameDeny ? 'DENY' : '');
  if (frame) fixed.push(['x-frame-options', frame]);
  if (config.contentTypeNosniff) fixed.push(['x-content-type-options', 'nosniff']);
  const xss = config.customBrowserXSSValue || (config.browserXssFilter ? '1; mode=block' : '');
  if (xss) fixed.push(['x-xss-protection', xss]);
  if (config.contentSecurityPolicy) fixed.push(['content-security-policy', config.contentSecurityPolicy]);
  if (config.contentSecurityPolicyReportOnly) fixed.push(['content-security-policy-report-only', config.contentSecurityPolicyReportOnly]);
  if (config.referrerPolicy) fixed.push(['referrer-policy', config.referrerPolicy]);
  if (config.permissionsPolicy) fixed.push(['permissions-policy', config.permissionsPolicy]);
  const stsSeconds = config.stsSeconds ?? 0;
  let sts = `max-age=${stsSeconds}`;
  if (config.stsIncludeSubdomains) sts += '; includeSubDomains';
  if (config.stsPreload) sts += '; preload';

  return {
    setsHeaders: fixed.length > 0 || stsSeconds !== 0 || Boolean(config.publicKey),
    hostAllowed(req) {
      if (allowed.length === 0 || dev) return true;
      let host = req.headers.host ?? '';
      for (const name of proxyHeaders) {
        const value = header(req, name);
        if (value !== '') {
          host = value;
          break;
        }
      }
      // Traefik compares the raw Host (port included, case-sensitive); Switchyard compares as routing does,
      // unless the entry itself names a port.
      const raw = host.trim().toLowerCase();
      const canonical = canonicalHost(host);
      return allowed.some((entry) => entry === canonical || entry === raw);
    },
    responseHeaders(req, res) {
      const https = isHttps(req);
      // RFC 6797 §7.2: HSTS over plain HTTP is ignored by browsers, so it is only sent when forced.
      if (stsSeconds !== 0 && (https || config.forceSTSHeader) && !dev) res.setHeader('strict-transport-security', sts);
      for (const [name, value] of fixed) res.setHeader(name, value);
      if (config.publicKey && https && !dev) res.setHeader('public-key-pins', config.publicKey);
    },
  };
}
