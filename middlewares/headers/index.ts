import { defineMiddleware } from '../../src/middleware/definition.js';
import { sendPlain } from '../path/rewrite.js';
import { createCors } from './cors.js';
import { applyRequestHeaders, applyResponseHeaders, checkHeaderMap, compileHeaderEdits } from './custom.js';
import { editResponseHead, onResponseHead } from './on-head.js';
import { HeadersSchema, type HeadersConfig } from './schema.js';
import type { Logger } from '../../src/log.js';
import { oncePerCompile } from '../../src/middleware/once-per-compile.js';
import { createSecurity } from './security.js';

const DEPRECATED = ['featurePolicy', 'sslRedirect', 'sslTemporaryRedirect', 'sslHost', 'sslForceHost'] as const;

/** What one `headers` configuration compiles to, whatever handler comes after it. */
interface Prepared {
  cors: ReturnType<typeof createCors>;
  security: ReturnType<typeof createSecurity>;
  requestHeaders: ReturnType<typeof compileHeaderEdits>;
  responseHeaders: ReturnType<typeof compileHeaderEdits>;
  responseByKey: Map<string, ReturnType<typeof compileHeaderEdits>[number]>;
  onlyCustom: boolean;
  changesResponses: boolean;
}

// An entry point's headers middleware is built once per router on it: 10,000 routers share one
// configuration, so it is compiled (and its deprecations logged) once per compile, not once per router.
const prepare = oncePerCompile((config: HeadersConfig, ctx: { name: string; log: Logger }): Prepared => {
  // Traefik refuses a headers middleware that sets nothing.
  if (Object.keys(config).length === 0) throw new Error('no header option is set');
  checkHeaderMap('customRequestHeaders', config.customRequestHeaders);
  checkHeaderMap('customResponseHeaders', config.customResponseHeaders);
  for (const key of DEPRECATED) {
    if (config[key] !== undefined) ctx.log.warn({ middleware: ctx.name, option: key }, `headers.${key} is deprecated and ignored`);
  }
  const cors = createCors(config);
  const security = createSecurity(config);
  // The header tables are fixed: names are trimmed and lower-cased here, not per request.
  const requestHeaders = compileHeaderEdits(config.customRequestHeaders);
  const responseHeaders = compileHeaderEdits(config.customResponseHeaders);
  const responseByKey = new Map(responseHeaders.map((edit) => [edit.key, edit]));
  return {
    cors,
    security,
    requestHeaders,
    responseHeaders,
    responseByKey,
    // Only fixed custom response headers: the head is edited as it is written, without reading the response's headers.
    onlyCustom: !security.setsHeaders && !cors.enabled,
    changesResponses: security.setsHeaders || cors.enabled || responseHeaders.length > 0,
  };
});

/** `headers`: custom request and response headers, CORS (with preflight answers) and security headers. */
export const headersMiddleware = defineMiddleware({
  type: 'headers',
  schema: HeadersSchema,
  create(config, next, ctx) {
    const { cors, security, requestHeaders, responseHeaders, responseByKey, onlyCustom, changesResponses } = prepare(config, ctx);
    return (req, res) => {
      if (!security.hostAllowed(req)) return sendPlain(req, res, 400, 'Bad Host');
      const preflight = cors.isPreflight(req);
      if (onlyCustom) {
        if (responseHeaders.length > 0) editResponseHead(res, responseHeaders, responseByKey);
      } else if (changesResponses) {
        // Security headers first, so custom response headers can override or remove them, as in Traefik.
        onResponseHead(res, () => {
          security.responseHeaders(req, res);
          applyResponseHeaders(res, responseHeaders);
          if (preflight) cors.preflightHeaders(req, res);
          else cors.responseHeaders(req, res);
        });
      }
      if (preflight) {
        // The preflight is answered here and never reaches the server (Fetch standard §3.2.2).
        res.writeHead(200, { 'content-length': '0' });
        res.end();
        return;
      }
      applyRequestHeaders(req, requestHeaders);
      return next(req, res);
    };
  },
});
