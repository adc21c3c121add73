import { Type } from '@sinclair/typebox';
import { forwardedUrl, getContext } from '../../src/http/context.js';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { interceptResponse } from '../response/intercept.js';
import { serveErrorPage } from './error-page.js';
import { inRanges, parseStatusRanges, type StatusRanges } from './status-ranges.js';

const schema = Type.Object(
  {
    status: Type.Array(Type.String(), { minItems: 1, description: 'Statuses answered with the error page: "500", "500,502" or "500-599" (inclusive). Required.' }),
    statusRewrites: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 100, maximum: 599 }), {
        description: 'Status sent to the client instead of a caught one, keyed by status or range: {"418": 404, "500-599": 503}. Default none: the server\'s status is kept.',
      }),
    ),
    service: Type.String({ minLength: 1, description: 'The service that serves the error pages. Required.' }),
    query: Type.Optional(
      Type.String({ description: 'Path and query asked of the error service; {status}, {originalStatus} and {url} (query-escaped) are replaced. Default "/".' }),
    ),
    errorRequestHeaders: Type.Optional(
      Type.Array(Type.String(), { description: 'Request headers sent to the error service (Host always is). Default unset: every header.' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * `errors`: when the server (or the gateway, for an unreachable server) answers a status in `status`,
 * the client gets the error service's page instead, with the original status or its rewrite.
 */
export const errorsMiddleware = defineMiddleware({
  type: 'errors',
  schema,
  create(config, next, ctx) {
    const caught: StatusRanges = config.status.flatMap((value, i) => parseStatusRanges(value, `status[${i}]`));
    const rewrites: Array<[StatusRanges, number]> = Object.entries(config.statusRewrites ?? {}).map(([key, to]) => [parseStatusRanges(key, `statusRewrites["${key}"]`), to]);
    const service = ctx.service(config.service);
    const options = {
      service,
      serviceName: config.service.includes('@') ? config.service : `${config.service}@${ctx.provider}`,
      query: config.query ?? '/',
      headers: config.errorRequestHeaders ? new Set(config.errorRequestHeaders.map((h) => h.toLowerCase())) : undefined,
    };
    return (req, res) => {
      const rctx = getContext(req);
      if (rctx.upgrade) return next(req, res);
      const url = forwardedUrl(rctx);
      interceptResponse(res, (sink) => {
        let caughtHere = false;
        return {
          head(head) {
            if (!inRanges(caught, head.status)) return sink.writeHead(head);
            caughtHere = true;
            const status = rewrites.find(([ranges]) => inRanges(ranges, head.status))?.[1] ?? head.status;
            serveErrorPage(req, sink, options, status, head.status, url);
          },
          // A caught response's own body is dropped: the page replaces it.
          write: (chunk) => caughtHere || sink.write(chunk),
          end: () => {
            if (!caughtHere) sink.end();
          },
          flush: () => {
            if (!caughtHere) sink.flushHeaders();
          },
        };
      });
      return next(req, res);
    };
  },
});
