import t from 'tap';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

interface Attribute {
  key: string;
  value: { stringValue?: string; intValue?: string; arrayValue?: { values: Array<{ stringValue: string }> } };
}
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  status: { code: number };
}
interface Export {
  headers: IncomingHttpHeaders;
  body: { resourceSpans: Array<{ resource: { attributes: Attribute[] }; scopeSpans: Array<{ spans: Span[] }> }> };
}

/** An in-process OTLP/HTTP receiver that keeps every POSTed JSON body. */
async function startReceiver() {
  const exports: Export[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') exports.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Export['body'] });
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    spans: () => exports.flatMap((e) => e.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attr = (span: Span, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue ?? value?.arrayValue?.values.map((v) => v.stringValue);
};
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

t.test('traceparent is continued to the server and spans are exported over OTLP/HTTP', async (t) => {
  const receiver = await startReceiver();
  const seen: string[] = [];
  const backend = await startBackend((req, res) => {
    seen.push(String(req.headers.traceparent));
    res.setHeader('X-Upstream', 'yes');
    res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
    res.end('ok');
  });
  const gw = await startTestGateway({
    static: {
      tracing: {
        serviceName: 'edge',
        headers: { Authorization: 'Bearer t0ken' },
        capturedRequestHeaders: ['X-Req'],
        capturedResponseHeaders: ['X-Upstream'],
        safeQueryParams: ['page'],
        otlp: { http: { endpoint: receiver.endpoint } },
      },
    },
    dynamic: { 'routes.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await backend.close();
    await receiver.close();
  });
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const send = async (path: string, headers: Record<string, string> = {}) => (await request(gw.url(path), { headers })).body.text();
  await send('/continued?page=2&token=abc', { traceparent: parent, 'x-req': 'r1' });
  await send('/fresh');
  await send('/unsampled', { traceparent: '00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203331-00' });
  await send('/invalid', { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' });
  await send('/fail');
  // Shutting down flushes the exporter.
  await gw.close();

  const spans = receiver.spans();
  const byPath = (path: string) => spans.find((s) => attr(s, 'url.path') === path);
  const propagated = seen.map((h) => TRACEPARENT.exec(h));

  t.test('an incoming sampled trace is continued', async (t) => {
    const span = byPath('/continued')!;
    t.ok(span, 'a span was exported');
    t.equal(span.traceId, '0af7651916cd43dd8448eb211c80319c');
    t.equal(span.parentSpanId, 'b7ad6b7169203331', "the client's span is the parent");
    t.equal(propagated[0]?.[1], span.traceId, 'the server sees the same trace');
    t.equal(propagated[0]?.[2], span.spanId, "the server's parent is the gateway span");
    t.equal(propagated[0]?.[3], '01');
  });

  t.test('a request without trace context starts a trace', async (t) => {
    const span = byPath('/fresh')!;
    t.ok(span);
    t.notOk(span.parentSpanId);
    t.equal(propagated[1]?.[1], span.traceId);
    t.equal(propagated[1]?.[2], span.spanId);
  });

  t.test('an unsampled caller is followed: propagated, not exported', async (t) => {
    t.notOk(byPath('/unsampled'));
    t.equal(propagated[2]?.[1], '0af7651916cd43dd8448eb211c80319d');
    t.equal(propagated[2]?.[3], '00');
  });

  t.test('an invalid traceparent is replaced by a new trace', async (t) => {
    const span = byPath('/invalid')!;
    t.ok(span);
    t.not(span.traceId, '0'.repeat(32));
    t.notOk(span.parentSpanId);
    t.equal(propagated[3]?.[1], span.traceId);
  });

  t.test('the span carries routing facts and HTTP attributes', async (t) => {
    const span = byPath('/continued')!;
    const cases: Array<[string, unknown]> = [
      ['http.request.method', 'GET'],
      ['url.scheme', 'http'],
      ['url.query', 'page=2&token=REDACTED'],
      ['http.response.status_code', '200'],
      ['switchyard.entry_point', 'web'],
      ['switchyard.router.name', 'app@file'],
      ['switchyard.service.name', 'app@file'],
      ['switchyard.server.url', backend.url],
      ['http.request.header.x-req', ['r1']],
      ['http.response.header.x-upstream', ['yes']],
      ['client.address', '127.0.0.1'],
    ];
    for (const [key, expected] of cases) t.same(attr(span, key), expected, `${key} is ${JSON.stringify(expected)}`);
    t.equal(span.kind, 2, 'a server span');
    t.equal(span.name, 'GET app@file');
    t.equal(span.status.code, 0, 'a 200 leaves the status unset');
    t.ok(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano), 'end is not before start');
    t.ok(Math.abs(Number(BigInt(span.startTimeUnixNano) / 1_000_000n) - Date.now()) < 60_000, 'start is a recent unix time in ns');
  });

  t.test('a 5xx marks the span as an error', async (t) => {
    t.equal(byPath('/fail')?.status.code, 2);
  });

  t.test('exports carry the resource and the configured headers', async (t) => {
    t.ok(receiver.exports.length >= 1);
    t.equal(receiver.exports[0]!.headers.authorization, 'Bearer t0ken');
    t.match(receiver.exports[0]!.headers['content-type'], /^application\/json/);
    const resource = receiver.exports[0]!.body.resourceSpans[0]!.resource.attributes;
    t.same(resource.find((a) => a.key === 'service.name')?.value, { stringValue: 'edge' });
  });
});

t.test('sampleRate 0 exports nothing for new traces but still propagates context', async (t) => {
  const receiver = await startReceiver();
  let seen = '';
  const backend = await startBackend((req, res) => {
    seen = String(req.headers.traceparent);
    res.end('ok');
  });
  const gw = await startTestGateway({
    static: { tracing: { sampleRate: 0, otlp: { http: { endpoint: `${receiver.endpoint}/v1/traces` } } } },
    dynamic: { 'routes.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await backend.close();
    await receiver.close();
  });
  await (await request(gw.url('/'))).body.text();
  await gw.close();
  t.match(seen, TRACEPARENT);
  t.match(seen, /-00$/);
  t.equal(receiver.spans().length, 0);
});
