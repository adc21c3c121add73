import { Type } from '@sinclair/typebox';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../../helpers/gateway-harness.js';
import { startBackend, type Backend } from '../../helpers/backends.js';
import type { Provider, ProviderSnapshot } from '../../../src/provider/provider.js';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import { defineMiddleware, type MiddlewareDefinition } from '../../../src/middleware/definition.js';
import { getContext } from '../../../src/http/context.js';

/** A JSON answer of the API. */
export interface ApiAnswer {
  status: number;
  nextPage: string | null;
  body: any;
}

/** A plain answer: status, headers and the body (parsed when it is JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** Sends a GET without following redirects; unlike fetch, it may set Host (to reach a router's host rule). */
export async function send(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(url, { headers });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test looks at the text
  }
  return { status: response.statusCode, headers: response.headers, body };
}

/** Fetches an API path on an entry point and parses the JSON body. */
export async function getJson(gw: TestGateway, path: string, entryPoint = 'switchyard', headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const answer = await send(gw.url(path, entryPoint), headers);
  const next = answer.headers['x-next-page'];
  return { status: answer.status, nextPage: typeof next === 'string' ? next : null, body: answer.body };
}

/** A provider named `name` that delivers one fixed snapshot and stays connected. */
export function fixedProvider(name: string, config: DynamicConfig): Provider {
  return {
    name,
    async *watch(signal: AbortSignal): AsyncIterable<ProviderSnapshot> {
      yield { config, errors: [] };
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
    state: () => ({ connected: true, lastSnapshotAt: '2026-01-01T00:00:00.000Z' }),
  };
}

/** A test middleware that answers 401 unless a header holds a value (stands in for basicAuth). */
export const headerGate = defineMiddleware({
  type: 'testHeaderGate',
  schema: Type.Object({ header: Type.String(), value: Type.String() }),
  create: (config, next) => (req, res) => {
    if (req.headers[config.header.toLowerCase()] === config.value) return next(req, res);
    res.statusCode = 401;
    res.end('denied');
  },
});

/** A test middleware that removes a path prefix (stands in for stripPrefix). */
export const stripTest = defineMiddleware({
  type: 'testStrip',
  schema: Type.Object({ prefix: Type.String() }),
  create: (config, next) => (req, res) => {
    const ctx = getContext(req);
    if (ctx.path.startsWith(config.prefix)) ctx.path = ctx.path.slice(config.prefix.length) || '/';
    return next(req, res);
  },
});

/** The test middlewares, for TestGatewayOptions.middlewares. */
export const testMiddlewares = [headerGate, stripTest] as unknown as MiddlewareDefinition[];

/** The dynamic configuration most API tests read: every status, two providers, TLS, priorities, health. */
export function fixtureConfig(up: Backend): Record<string, unknown> {
  return {
    http: {
      routers: {
        alpha: { rule: 'Host(`alpha.test`)', service: 'svc-a', middlewares: ['gate'], entryPoints: ['web'] },
        beta: { rule: 'PathPrefix(`/beta`)', service: 'svc-b', priority: 100 },
        gamma: { rule: 'Host(`gamma.test`) && Path(`/g`)', service: 'svc-a@file', tls: {} },
        broken: { rule: 'Host(`broken.test`)', service: 'missing' },
        warned: { rule: 'Host(`warned.test`)', service: 'svc-b', entryPoints: ['web', 'nope'], middlewares: ['gate', 'strip'] },
      },
      services: {
        'svc-a': {
          loadBalancer: {
            servers: [{ url: up.url }, { url: 'http://127.0.0.1:9' }],
            healthCheck: { path: '/health', interval: '50ms', timeout: '500ms' },
          },
        },
        'svc-b': { loadBalancer: { servers: [{ url: up.url }] } },
        'svc-w': { weighted: { services: [{ name: 'svc-a', weight: 1 }, { name: 'svc-b', weight: 1 }] } },
      },
      middlewares: {
        gate: { testHeaderGate: { header: 'X-Key', value: 'open' } },
        strip: { testStrip: { prefix: '/s' } },
        unused: { testStrip: { prefix: '/u' } },
      },
    },
  };
}

/** The fixture gateway: API on the internal entry point, the file fixture, and provider `other` with one router. */
export async function startApiGateway(extra: TestGatewayOptions = {}): Promise<{ gw: TestGateway; up: Backend; close(): Promise<void> }> {
  const up = await startBackend((_req, res) => res.end('up'));
  const other = fixedProvider('other', {
    http: { routers: { delta: { rule: 'Host(`delta.test`)', service: 'svc-a@file', priority: 5 } } },
  });
  const gw = await startTestGateway({
    static: { api: { insecure: true } },
    dynamic: { 'fixture.yaml': fixtureConfig(up) },
    extraProviders: [other],
    middlewares: testMiddlewares,
    ...extra,
  });
  // Version 1 may hold only one provider; ready means both snapshots are in the table.
  const deadline = Date.now() + 5000;
  while (!gw.gateway.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return {
    gw,
    up,
    async close() {
      await gw.close();
      await up.close();
    },
  };
}

/** One server-sent event as read off the wire. */
export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  /** Comment lines (`: …`), e.g. heartbeats. */
  comments: string[];
}

/**
 * Reads a server-sent event stream with fetch; `next()` resolves with the next event (blank-line terminated).
 * Each stream has its own connection pool, destroyed on close: a shared pool opens a spare connection
 * after an abort, and a server shutting down waits for that idle connection until the pool drops it.
 */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | null; next(): Promise<SseEvent>; close(): void }> {
  const controller = new AbortController();
  const dispatcher = new Agent();
  const response = await undiciFetch(url, { headers, signal: controller.signal, dispatcher });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { comments: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) event.comments.push(line.slice(1).trim());
            else {
              const colon = line.indexOf(':');
              const field = line.slice(0, colon);
              const value = line.slice(colon + 1).replace(/^ /, '');
              if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
              else if (field === 'event' || field === 'id') event[field] = value;
            }
          }
          return event;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close() {
      controller.abort();
      void dispatcher.destroy();
    },
  };
}
