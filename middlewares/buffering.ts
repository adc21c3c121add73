import { Type } from '@sinclair/typebox';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getContext, setContext, type Handler, type RequestContext } from '../src/http/context.js';
import { defineMiddleware } from '../src/middleware/definition.js';
import type { Logger } from '../src/log.js';
import { hasUnsupportedTransferCoding } from '../src/proxy/framing.js';
import { createReplayRequest } from '../src/services/replay-request.js';
import { createDiscardSocket } from '../src/services/sink-response.js';
import { captureResponse, type CapturedHead } from './traffic-control/capture-response.js';
import { compileExpression, type ExpressionFunction } from './traffic-control/expression.js';
import { replyText } from './traffic-control/reply.js';
import { SpillBuffer } from './traffic-control/spill-buffer.js';

const MIB = 1024 * 1024;
// Traefik's buffer stops retrying after this many attempts whatever the expression says.
const MAX_ATTEMPTS = 10;

interface RetryEnv {
  attempts: number;
  head: CapturedHead;
}

const RETRY_FUNCTIONS: Record<string, ExpressionFunction<RetryEnv>> = {
  Attempts: { args: 0, returns: 'number', make: () => (e) => e.attempts },
  ResponseCode: { args: 0, returns: 'number', make: () => (e) => e.head.status },
  IsNetworkError: { args: 0, returns: 'boolean', make: () => (e) => e.head.networkError },
};

/** Reads the whole request body into `body`; resolves false when it outgrew the limit. */
function readInto(req: IncomingMessage, body: SpillBuffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      if (!body.write(chunk)) {
        req.pause();
        resolve(false);
      }
    });
    req.once('end', () => resolve(true));
    req.once('error', reject);
    req.once('close', () => (req.complete ? resolve(true) : reject(new Error('client closed the request'))));
  });
}

/** A copy of `req` whose body is the buffered one, framed with its exact length. */
function replay(req: IncomingMessage, body: SpillBuffer, ctx: RequestContext): IncomingMessage {
  const socket = createDiscardSocket(req.socket);
  let copy: IncomingMessage;
  if (body.spilled) {
    const stream = body.reader();
    // createReplayRequest treats a source that closes without `complete` as a client that went away.
    stream.once('end', () => Object.assign(stream, { complete: true }));
    copy = createReplayRequest(req, socket, [], stream as unknown as IncomingMessage);
  } else copy = createReplayRequest(req, socket, body.chunks());
  delete copy.headers['transfer-encoding'];
  if (body.size > 0 || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) copy.headers['content-length'] = String(body.size);
  setContext(copy, ctx);
  return copy;
}

// The body text Traefik sends (Go's name for 413); closing the connection spares reading the rest of the body.
function tooLarge(res: ServerResponse): void {
  replyText(res, 413, { connection: 'close' }, 'Request Entity Too Large');
}

function bodiless(req: IncomingMessage, status: number): boolean {
  return req.method === 'HEAD' || status === 204 || status === 304 || status < 200;
}

/** `buffering`: reads whole requests (and responses) before passing them on, with size limits and an optional retry expression. */
export const bufferingMiddleware = defineMiddleware({
  type: 'buffering',
  schema: Type.Object(
    {
      maxRequestBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Largest request body accepted (413 above it); 0 means no limit. Default 0.' })),
      memRequestBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Request bytes kept in memory before spilling to a temporary file. Default 1048576.' })),
      maxResponseBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Largest response body accepted (500 above it); 0 means no limit. Default 0.' })),
      memResponseBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Response bytes kept in memory before spilling to a temporary file. Default 1048576.' })),
      retryExpression: Type.Optional(Type.String({ minLength: 1, description: 'Send the request again while this holds, e.g. `IsNetworkError() && Attempts() < 2`. Default: never.' })),
    },
    { additionalProperties: false },
  ),
  create(config, next, ctx) {
    let retry: ((env: RetryEnv) => boolean) | undefined;
    try {
      retry = config.retryExpression ? compileExpression(config.retryExpression, RETRY_FUNCTIONS) : undefined;
    } catch (error) {
      throw new Error(`retryExpression: ${(error as Error).message}`);
    }
    const limits = {
      maxRequest: config.maxRequestBodyBytes ?? 0,
      memRequest: config.memRequestBodyBytes ?? MIB,
      maxResponse: config.maxResponseBodyBytes ?? 0,
      memResponse: config.memResponseBodyBytes ?? MIB,
    };

    return async (req, res) => {
      const rctx = getContext(req);
      // Upgrades hand the connection over, and an unknown transfer coding is for the forwarder to refuse (501).
      if (rctx.upgrade || hasUnsupportedTransferCoding(req.headers)) return next(req, res);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (limits.maxRequest > 0 && declared > limits.maxRequest) return tooLarge(res);
      const body = new SpillBuffer(limits.memRequest, limits.maxRequest);
      try {
        let whole: boolean;
        try {
          whole = await readInto(req, body);
          await body.seal();
        } catch {
          return; // the client went away
        }
        if (!whole) return tooLarge(res);
        await attempts(req, res, next, body, rctx, limits, retry, ctx.log);
      } finally {
        await body.dispose();
      }
    };
  },
});

async function attempts(
  req: IncomingMessage,
  res: ServerResponse,
  next: Handler,
  body: SpillBuffer,
  rctx: RequestContext,
  limits: { maxResponse: number; memResponse: number },
  retry: ((env: RetryEnv) => boolean) | undefined,
  log: Logger,
): Promise<void> {
  const base: RequestContext = { ...rctx };
  const tried = (rctx.triedServers ??= new Set<string>());
  for (let attempt = 1; ; attempt++) {
    const actx: RequestContext = { ...base, attempt, triedServers: tried, serverUrl: undefined };
    const copy = replay(req, body, actx);
    const out = new SpillBuffer(limits.memResponse, limits.maxResponse);
    let head: CapturedHead | undefined;
    const capture = captureResponse(copy, res, {
      onHead: (h) => ((head = h), 'collect'),
      onChunk: (chunk) => {
        // Over the limit: stop the exchange now rather than read a body that will be refused.
        if (!out.write(chunk)) capture.res.destroy();
      },
    });
    try {
      await next(copy, capture.res);
      await capture.ended;
      if (actx.serverUrl) tried.add(actx.serverUrl);
      Object.assign(rctx, actx);
      if (res.destroyed) return;
      if (out.overflow) return replyText(res, 500);
      if (!head || capture.broken()) return replyText(res, 502);
      await out.seal();
      if (retry && attempt < MAX_ATTEMPTS && retry({ attempts: attempt, head })) {
        log.debug({ attempt: attempt + 1, status: head.status }, 'buffering: retrying request');
        continue;
      }
      await send(req, res, head, out);
      return;
    } finally {
      await out.dispose();
    }
  }
}

async function send(req: IncomingMessage, res: ServerResponse, head: CapturedHead, out: SpillBuffer): Promise<void> {
  const headers = { ...head.headers };
  if (!bodiless(req, head.status)) {
    // The whole body is known, so it goes out with its exact length instead of chunked.
    delete headers['transfer-encoding'];
    headers['content-length'] = String(out.size);
  }
  if (head.reason) res.writeHead(head.status, head.reason, headers);
  else res.writeHead(head.status, headers);
  await new Promise<void>((resolve) => {
    const reader = out.reader();
    reader.once('error', () => {
      res.destroy();
      resolve();
    });
    res.once('close', resolve);
    res.once('finish', resolve);
    reader.pipe(res);
  });
}
