import { Type } from '@sinclair/typebox';
import { getContext } from '../src/http/context.js';
import { hasRequestBody } from '../src/http/request-body.js';
import { defineMiddleware } from '../src/middleware/definition.js';
import { parseDuration } from '../src/duration.js';
import { interceptResponse } from './response/intercept.js';

const Duration = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Number()], { description }));

const schema = Type.Object(
  {
    responseHeader: Duration('Longest wait for the response head once the request body is received; then 504. 0 disables. Default unset (no limit).'),
    request: Duration('Longest time for the whole exchange until the response is complete; then 504 if nothing was sent, else the connection is cut. 0 disables. Default unset (no limit).'),
  },
  { additionalProperties: false },
);

function durationOf(key: string, value: string | number | undefined): number {
  if (value === undefined) return 0;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new Error(`${key}: ${(error as Error).message}`);
  }
  if (ms < 0) throw new Error(`${key}: must not be negative, got "${value}"`);
  return ms;
}

const BODY = 'Gateway Timeout\n';

/**
 * `timeout` (Switchyard only): per-router timeouts, Switchyard's answer to Traefik #10962 / #3027, where
 * only entry point and servers transport timeouts exist. Attach it through a router's `middlewares`.
 * WebSocket upgrades are connections, not requests, and are not timed.
 */
export const timeoutMiddleware = defineMiddleware({
  type: 'timeout',
  schema,
  create(config, next) {
    const headerMs = durationOf('responseHeader', config.responseHeader);
    const requestMs = durationOf('request', config.request);
    if (headerMs === 0 && requestMs === 0) throw new Error('set responseHeader, request or both (a positive duration)');

    return (req, res) => {
      if (getContext(req).upgrade) return next(req, res);
      let headSent = false;
      let timedOut = false;
      let headerTimer: NodeJS.Timeout | undefined;
      let requestTimer: NodeJS.Timeout | undefined;
      const clear = (): void => {
        clearTimeout(headerTimer);
        clearTimeout(requestTimer);
      };
      const sink = interceptResponse(res, (out) => ({
        head(head) {
          if (timedOut) return;
          headSent = true;
          clearTimeout(headerTimer);
          out.writeHead(head);
        },
        write: (chunk) => timedOut || out.write(chunk),
        end: () => {
          if (!timedOut) out.end();
        },
        flush: () => {
          if (!timedOut) out.flushHeaders();
        },
      }));
      const expire = (): void => {
        if (timedOut || res.writableEnded || res.destroyed) return;
        timedOut = true;
        clear();
        if (headSent) {
          // Part of the response is out: a cut connection is the only honest signal left.
          res.destroy();
          return;
        }
        // The forwarder and http-proxy-3 abort the server request when the response closes unfinished;
        // announcing that close now frees the server before the 504 goes out.
        res.emit('close');
        out504();
      };
      const out504 = (): void => {
        sink.writeHead({ status: 504, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(BODY)) } });
        if (req.method !== 'HEAD') sink.write(Buffer.from(BODY));
        sink.end();
      };
      // Counted once the request body is in, like Go's ResponseHeaderTimeout, so a slow upload is not cut (#10598).
      const armHeader = (): void => {
        if (!timedOut && !headSent) headerTimer = setTimeout(expire, headerMs);
      };
      if (headerMs > 0) {
        // A forwarder that sends no body never reads a bodiless HTTP/1 request, so its 'end' would not come.
        const bodiless = req.httpVersionMajor < 2 && !hasRequestBody(req);
        if (req.readableEnded || bodiless) armHeader();
        else req.once('end', armHeader);
      }
      if (requestMs > 0) requestTimer = setTimeout(expire, requestMs);
      res.once('finish', clear);
      res.once('close', clear);
      return next(req, res);
    };
  },
});
