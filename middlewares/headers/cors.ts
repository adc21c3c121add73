import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileRe2 } from '../../src/rules/re2.js';
import type { HeadersConfig } from './schema.js';

/** CORS handling of one `headers` middleware. */
export interface Cors {
  /** True when the configuration has any CORS option. */
  enabled: boolean;
  /** True for a preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  isPreflight(req: IncomingMessage): boolean;
  /** Sets the headers of the gateway's own preflight answer. */
  preflightHeaders(req: IncomingMessage, res: ServerResponse): void;
  /** Sets the CORS headers of an ordinary response. */
  responseHeaders(req: IncomingMessage, res: ServerResponse): void;
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Appends `Origin` to Vary unless it (or `*`) is there already. */
function addVaryOrigin(res: ServerResponse): void {
  const prior = res.getHeader('vary');
  const text = Array.isArray(prior) ? prior.join(', ') : prior === undefined ? '' : String(prior);
  const tokens = text.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('origin') || tokens.includes('*')) return;
  res.setHeader('vary', text.trim() === '' ? 'Origin' : `${text}, Origin`);
}

/** Builds the CORS part of `headers`; throws on a bad origin expression. */
export function createCors(config: HeadersConfig): Cors {
  const credentials = config.accessControlAllowCredentials ?? false;
  const allowHeaders = config.accessControlAllowHeaders ?? [];
  const allowMethods = config.accessControlAllowMethods ?? [];
  const origins = config.accessControlAllowOriginList ?? [];
  const expose = config.accessControlExposeHeaders ?? [];
  const regexes = (config.accessControlAllowOriginListRegex ?? []).map((pattern, i) => {
    try {
      return compileRe2(pattern);
    } catch (err) {
      throw new Error(`accessControlAllowOriginListRegex[${i}]: invalid regular expression "${pattern}": ${(err as Error).message}`);
    }
  });
  const enabled =
    credentials || allowHeaders.length > 0 || allowMethods.length > 0 || origins.length > 0 || regexes.length > 0 || expose.length > 0 || config.accessControlMaxAge !== undefined || (config.addVaryHeader ?? false);
  // Caches must key on Origin whenever the allowed origin is echoed rather than a constant `*` (Fetch standard §3.2.5).
  const originDependent = config.addVaryHeader === true || regexes.length > 0 || origins.some((o) => o !== '*') || (credentials && origins.includes('*'));

  const matchOrigin = (origin: string): string | undefined => {
    for (const item of origins) {
      if (item === origin) return item;
      // A wildcard cannot be combined with credentials (Fetch standard §3.2.5), so the origin is echoed.
      if (item === '*') return credentials ? origin || undefined : '*';
    }
    return origin !== '' && regexes.some((re) => re.test(origin)) ? origin : undefined;
  };
  const exposeValue = expose.length > 0 && !(expose.includes('*') && credentials) ? expose.join(',') : undefined;

  return {
    enabled,
    isPreflight(req) {
      return enabled && req.method === 'OPTIONS' && first(req.headers.origin) !== '' && first(req.headers['access-control-request-method']) !== '';
    },
    preflightHeaders(req, res) {
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      const requestedHeaders = first(req.headers['access-control-request-headers']);
      if (allowHeaders.includes('*') && credentials) {
        if (requestedHeaders) res.setHeader('access-control-allow-headers', requestedHeaders);
      } else if (allowHeaders.length > 0) res.setHeader('access-control-allow-headers', allowHeaders.join(','));
      if (allowMethods.includes('*') && credentials) res.setHeader('access-control-allow-methods', first(req.headers['access-control-request-method']));
      else if (allowMethods.length > 0) res.setHeader('access-control-allow-methods', allowMethods.join(','));
      const allowed = matchOrigin(first(req.headers.origin));
      if (allowed !== undefined) res.setHeader('access-control-allow-origin', allowed);
      if (config.accessControlMaxAge !== undefined) res.setHeader('access-control-max-age', String(config.accessControlMaxAge));
      if (exposeValue) res.setHeader('access-control-expose-headers', exposeValue);
      if (originDependent) addVaryOrigin(res);
    },
    responseHeaders(req, res) {
      if (!enabled) return;
      const allowed = matchOrigin(first(req.headers.origin));
      if (allowed !== undefined) res.setHeader('access-control-allow-origin', allowed);
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      if (exposeValue) res.setHeader('access-control-expose-headers', exposeValue);
      if (originDependent) addVaryOrigin(res);
    },
  };
}
