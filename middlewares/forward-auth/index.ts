import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { getContext, setContext } from '../../src/http/context.js';
import { configHash } from '../../src/runtime/state-store.js';
import { parseDuration } from '../../src/duration.js';
import { compileRe2 } from '../../src/rules/re2.js';
import { readBody } from '../../src/services/read-body.js';
import { createReplayRequest } from '../../src/services/replay-request.js';
import { respondText } from '../auth/respond.js';
import { authRequestHeaders, cacheKeyOf } from './auth-request.js';
import { addAuthCookies, copyAuthHeaders, relayDenial, type AuthAnswer } from './auth-response.js';
import { createAuthClient } from './client.js';
import { DecisionCache } from './decision-cache.js';
import { ForwardAuthSchema } from './schema.js';

class TooLarge extends Error {}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (limit >= 0 && size > limit) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `forwardAuth`: asks an auth server about each request; 2xx lets it through, anything else is the answer. */
export const forwardAuthMiddleware = defineMiddleware({
  type: 'forwardAuth',
  schema: ForwardAuthSchema,
  create(config, next, ctx) {
    let regex: RegExp | undefined;
    if (config.authResponseHeadersRegex) {
      try {
        regex = compileRe2(config.authResponseHeadersRegex);
      } catch (error) {
        throw new Error(`authResponseHeadersRegex: invalid regular expression "${config.authResponseHeadersRegex}": ${(error as Error).message}`);
      }
    }
    if (config.cache && config.forwardBody) throw new Error('cache: cannot be combined with forwardBody (the body is not part of the cache key)');
    const cacheOptions = config.cache;
    const ttls = cacheOptions && { ttl: parseDuration(cacheOptions.ttl), negative: parseDuration(cacheOptions.negativeTtl ?? 0) };
    if (ttls && (ttls.ttl < 0 || ttls.negative < 0)) throw new Error('cache: ttl and negativeTtl must not be negative');
    const base = `forwardAuth:${ctx.name}:${configHash(config)}`;
    const client = ctx.state.get(`${base}:client`, () => createAuthClient(config));
    const cache = ttls && ctx.state.get(`${base}:cache`, () => new DecisionCache(ttls.ttl, ttls.negative, cacheOptions.maxEntries ?? 10_000));
    const cacheKey = (cacheOptions?.key ?? ['Authorization', 'Cookie']).map((n) => n.toLowerCase());
    const responseHeaders = (config.authResponseHeaders ?? []).map((n) => n.toLowerCase());
    const requestOptions = { trustForwardHeader: config.trustForwardHeader === true, allowed: (config.authRequestHeaders ?? []).map((n) => n.toLowerCase()) };
    const cookieNames = new Set(config.addAuthCookiesToResponse ?? []);
    const maxBody = config.maxBodySize ?? -1;
    const maxResponseBody = config.maxResponseBodySize ?? -1;

    const ask = async (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Promise<AuthAnswer> => {
      const headers = authRequestHeaders(req, requestOptions);
      const key = cache ? cacheKeyOf(headers, cacheKey) : undefined;
      const cached = key === undefined ? undefined : cache!.get(key);
      if (cached) return cached;
      if (body) headers['content-length'] = String(body.length);
      const abort = new AbortController();
      const onClose = () => abort.abort();
      res.once('close', onClose);
      try {
        const answer = await request(config.address, {
          method: (config.preserveRequestMethod ? req.method : 'GET') as 'GET',
          headers: headers as Record<string, string | string[]>,
          body: body ?? null,
          dispatcher: client.agent,
          signal: abort.signal,
        });
        let content: Buffer;
        try {
          content = await readLimited(answer.body, maxResponseBody);
        } finally {
          answer.body.destroy();
        }
        const result = { status: answer.statusCode, headers: answer.headers as AuthAnswer['headers'], body: content };
        if (key !== undefined) cache!.put(key, result);
        return result;
      } finally {
        res.off('close', onClose);
      }
    };

    return async (req, res) => {
      let forwarded = req;
      let body: Buffer | undefined;
      if (config.forwardBody) {
        let read;
        try {
          read = await readBody(req, maxBody);
        } catch {
          return; // the client went away mid-body: nobody to answer
        }
        if (!read.complete) return respondText(res, 401);
        // An empty body is no body, as in Traefik.
        body = read.chunks.length > 0 ? Buffer.concat(read.chunks) : undefined;
        // The body was consumed here; the service gets a copy that replays it.
        forwarded = createReplayRequest(req, req.socket, read.chunks);
        setContext(forwarded, getContext(req));
      }
      let answer: AuthAnswer;
      try {
        answer = await ask(req, res, body);
      } catch (error) {
        if (error instanceof TooLarge) return respondText(res, 401);
        if (res.destroyed || res.writableEnded || (error as Error).name === 'AbortError') return;
        ctx.log.error({ err: error, address: config.address }, 'forwardAuth: calling the auth server failed');
        return respondText(res, 500);
      }
      if (config.authSigninURL && answer.status === 401) return respondText(res, 302, { location: config.authSigninURL });
      if (answer.status < 200 || answer.status >= 300) return relayDenial(res, answer, config.address, config.preserveLocationHeader === true);
      copyAuthHeaders(forwarded, answer, responseHeaders, regex);
      // headerField names the auth response header that carries the user, for access logs.
      const user = config.headerField ? answer.headers[config.headerField.toLowerCase()] : undefined;
      if (user !== undefined) getContext(req).clientUsername = Array.isArray(user) ? user[0] : String(user);
      if (cookieNames.size > 0) addAuthCookies(res, answer, cookieNames);
      return next(forwarded, res);
    };
  },
});
