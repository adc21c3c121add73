import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { interceptResponse, type ResponseHead } from './response/intercept.js';
import { sniffContentType } from './response/sniff.js';

/** Statuses that carry no body (RFC 9110 §6.4.1), so there is nothing to sniff. */
function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * `contentType`: sets a Content-Type sniffed from the first bytes of the body when the server sent none.
 * Without it a missing Content-Type stays missing, as in Traefik v3. Like Go's response writer, the
 * first body chunk is what is sniffed, so a streamed response is never held back for more data.
 */
export const contentTypeMiddleware = defineMiddleware({
  type: 'contentType',
  schema: Type.Object(
    {
      autoDetect: Type.Optional(
        Type.Boolean({ description: 'Legacy Traefik v2 option, accepted and ignored: sniffing is what this middleware does. Default unset.' }),
      ),
    },
    { additionalProperties: false },
  ),
  create(_config, next) {
    return (req, res) => {
      if (req.method === 'HEAD') return next(req, res);
      interceptResponse(res, (sink) => {
        let pending: ResponseHead | undefined;
        const release = (first?: Buffer): void => {
          if (!pending) return;
          const head = pending;
          pending = undefined;
          if (first) head.headers['content-type'] = sniffContentType(first);
          sink.writeHead(head);
        };
        return {
          head(head) {
            const present = head.headers['content-type'] !== undefined && head.headers['content-type'] !== '';
            if (present || hasNoBody(head.status)) sink.writeHead(head);
            else pending = head;
          },
          write(chunk) {
            release(chunk);
            return sink.write(chunk);
          },
          end() {
            release();
            sink.end();
          },
          flush() {
            // Nothing to sniff yet, and the head must go now: it goes without a type, as the server sent it.
            release();
            sink.flushHeaders();
          },
        };
      });
      return next(req, res);
    };
  },
});
