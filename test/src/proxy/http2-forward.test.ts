import t from 'tap';
import http2, { type Http2Server, type Http2SecureServer, type ServerHttp2Session, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startHarness } from '../../helpers/forward-harness.js';
import { rawRequest, statusOf } from '../../helpers/backends.js';
import { createTestCA } from '../../helpers/certs.js';
import { createForwarder } from '../../../src/proxy/forward.js';
import { createTransport } from '../../../src/proxy/transport.js';
import { setContext } from '../../../src/http/context.js';
import { applyForwardedHeaders } from '../../../src/proxy/forwarded-headers.js';
import { adaptHttp2Request } from '../../../src/entrypoint/http2-compat.js';
import type { ForwardOutcome } from '../../../src/proxy/forwarder.js';

type StreamHandler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, session: ServerHttp2Session) => void;

/** An HTTP/2 server (h2c, or TLS with ALPN h2 + http/1.1) counting its sessions. */
async function h2Backend(handler: StreamHandler, tlsPem?: { cert: string; key: string }): Promise<{ port: number; sessions: ServerHttp2Session[]; close(): Promise<void> }> {
  const server: Http2Server | Http2SecureServer = tlsPem ? http2.createSecureServer({ ...tlsPem, allowHTTP1: true }) : http2.createServer();
  const sessions: ServerHttp2Session[] = [];
  server.on('session', (session: ServerHttp2Session) => sessions.push(session));
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on('error', () => undefined);
    handler(stream, headers, stream.session as ServerHttp2Session);
  });
  // Over TLS an HTTP/1.1 request (ALPN chose http/1.1) gets a plain answer naming its version; the
  // listener is TLS-only because it also makes Node read every HTTP/2 stream through its compatibility layer.
  if (tlsPem) {
    server.on('request', (req, res) => {
      if (req.httpVersionMajor === 1) res.end(`http/${req.httpVersion}`);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const echoHeaders: StreamHandler = (stream, headers) => {
  stream.resume();
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(JSON.stringify(headers));
  });
};

t.test('h2c forwarding sanitises the request exactly as the HTTP/1.1 path does', async (t) => {
  const backend = await h2Backend(echoHeaders);
  const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}` });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const answer = await rawRequest(
    gw.port,
    'GET /a/../b?q=1 HTTP/1.1\r\nHost: app.test\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nX-Forwarded-For: 6.6.6.6\r\nX_Forwarded_Host: evil\r\nConnection: close\r\n\r\n',
  );
  t.equal(statusOf(answer.text), 200);
  const seen = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '')) as Record<string, string>;
  const cases: Array<[string, string | undefined]> = [
    [':path', '/b?q=1'],
    [':authority', 'app.test'],
    [':scheme', 'http'],
    ['x-secret', undefined],
    ['keep-alive', undefined],
    ['proxy-connection', undefined],
    ['te', undefined],
    ['x_forwarded_host', undefined],
    ['x-forwarded-for', '127.0.0.1'],
    ['x-forwarded-host', 'app.test'],
    ['x-real-ip', '127.0.0.1'],
  ];
  for (const [name, value] of cases) t.equal(seen[name], value, `${name} is ${value ?? 'absent'}`);
  t.equal((await gw.nextOutcome()).status, 200);
});

t.test('gateway failures give the same statuses and outcomes as HTTP/1.1', async (t) => {
  await t.test('a refused connection is a 502 (refused)', async (t) => {
    const gw = await startHarness({ target: 'h2c://127.0.0.1:1' });
    t.teardown(() => gw.close());
    const response = await fetch(gw.url);
    t.equal(response.status, 502);
    t.match(await gw.nextOutcome(), { status: 502, error: 'refused', responded: false });
  });

  await t.test('responseHeaderTimeout is a 504 (timeout)', async (t) => {
    const backend = await h2Backend((stream) => stream.resume());
    const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}`, transport: createTransport({ forwardingTimeouts: { responseHeaderTimeout: '300ms' } }) });
    t.teardown(async () => {
      await gw.close();
      gw.transport.dispose();
      await backend.close();
    });
    const response = await fetch(gw.url);
    t.equal(response.status, 504);
    t.match(await gw.nextOutcome(), { status: 504, error: 'timeout' });
  });

  await t.test('dialTimeout covers the TLS handshake of an https server: 504 (timeout)', async (t) => {
    // Accepts TCP and never answers the ClientHello.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const gw = await startHarness({ target: `https://127.0.0.1:${port}`, transport: createTransport({ forwardingTimeouts: { dialTimeout: '300ms' } }) });
    t.teardown(async () => {
      await gw.close();
      gw.transport.dispose();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const started = Date.now();
    const response = await fetch(gw.url);
    t.equal(response.status, 504);
    t.match(await gw.nextOutcome(), { status: 504, error: 'timeout', responded: false });
    t.ok(Date.now() - started < 8000);
  });

  await t.test('a stream reset after the head is a visibly broken response (reset)', async (t) => {
    const backend = await h2Backend((stream) => {
      stream.respond({ ':status': 200 });
      stream.write('partial');
      // The server's connection breaks mid-body: the stream ends with CANCEL, not NO_ERROR.
      setTimeout(() => stream.session?.socket.destroy(), 50);
    });
    const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}` });
    t.teardown(async () => {
      await gw.close();
      await backend.close();
    });
    const answer = await rawRequest(gw.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 10_000);
    t.equal(statusOf(answer.text), 200);
    t.notMatch(answer.text, /\r\n0\r\n\r\n$/, 'no final chunk: the response is visibly cut');
    t.match(await gw.nextOutcome(), { status: 200, error: 'reset', responded: true });
  });

  await t.test('a client that leaves is reported as client-gone and the server stream is cancelled', async (t) => {
    let serverStream: ServerHttp2Stream | undefined;
    const backend = await h2Backend((stream) => {
      serverStream = stream;
      stream.resume();
    });
    const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}` });
    t.teardown(async () => {
      await gw.close();
      await backend.close();
    });
    const controller = new AbortController();
    const pending = fetch(gw.url, { signal: controller.signal }).catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!serverStream && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await pending;
    t.match(await gw.nextOutcome(), { error: 'client-gone' });
    while (!serverStream!.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.ok(serverStream!.closed, 'the server stream was closed');
  });
});

t.test('sessions are reused, replaced after GOAWAY, and closed with their transport', async (t) => {
  let goaway = false;
  const backend = await h2Backend((stream, _headers, session) => {
    stream.respond({ ':status': 200 });
    stream.end('ok');
    if (goaway) {
      goaway = false;
      session.goaway(http2.constants.NGHTTP2_NO_ERROR);
    }
  });
  const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}`, transport: createTransport({}) });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  for (let i = 0; i < 3; i++) t.equal((await fetch(gw.url)).status, 200);
  t.equal(backend.sessions.length, 1, 'three requests share one session');
  goaway = true;
  t.equal((await fetch(gw.url)).status, 200, 'the request answered before GOAWAY is complete');
  for (let i = 0; i < 3; i++) t.equal((await fetch(gw.url)).status, 200, 'later requests succeed');
  t.equal(backend.sessions.length, 2, 'after GOAWAY new streams went to one new session');
  gw.transport.dispose();
  const deadline = Date.now() + 10_000;
  while (!backend.sessions[1]!.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.ok(backend.sessions[1]!.closed, 'disposing the transport closed its session');
});

t.test('a stream the server refused (REFUSED_STREAM) is sent once more when it has no body', async (t) => {
  let seen = 0;
  const backend = await h2Backend((stream, headers) => {
    seen++;
    if (seen === 1 || headers['x-refuse']) return void stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    stream.respond({ ':status': 200 });
    stream.end('second try');
  });
  const gw = await startHarness({ target: `h2c://127.0.0.1:${backend.port}` });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const response = await fetch(gw.url);
  t.equal(response.status, 200);
  t.equal(await response.text(), 'second try');
  t.equal(seen, 2);
  const posted = await fetch(gw.url, { method: 'POST', body: 'x', headers: { 'x-refuse': '1' } });
  t.equal(posted.status, 502, 'a request with a body is not sent twice');
  t.equal(seen, 3);
});

t.test('readIdleTimeout pings replace a connection whose server stopped answering', async (t) => {
  const backend = await h2Backend((stream) => {
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  // A TCP relay in front of the server whose first connection can be frozen (bytes dropped both ways).
  const relayed: Array<{ client: net.Socket; frozen: boolean }> = [];
  const relay = net.createServer((client) => {
    const entry = { client, frozen: false };
    relayed.push(entry);
    const upstream = net.connect(backend.port, '127.0.0.1');
    client.on('data', (chunk) => entry.frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => entry.frozen || client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const gw = await startHarness({
    target: `h2c://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    transport: createTransport({ forwardingTimeouts: { readIdleTimeout: '100ms', pingTimeout: '300ms' } }),
  });
  t.teardown(async () => {
    await gw.close();
    gw.transport.dispose();
    for (const { client } of relayed) client.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await backend.close();
  });
  t.equal((await fetch(gw.url)).status, 200);
  relayed[0]!.frozen = true;
  const deadline = Date.now() + 15_000;
  while (!relayed[0]!.client.destroyed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.ok(relayed[0]!.client.destroyed, 'the gateway closed the connection whose PINGs went unanswered');
  t.equal((await fetch(gw.url)).status, 200, 'the next request is served on a new connection');
  t.equal(relayed.length, 2);
});

t.test('https servers negotiate HTTP/2 by ALPN unless disableHTTP2', async (t) => {
  const ca = createTestCA();
  const cert = ca.issue(['backend.test']);
  const backend = await h2Backend((stream) => {
    stream.respond({ ':status': 200 });
    stream.end('h2');
  }, cert);
  const http1 = https.createServer(cert, (_req, res) => res.end('only http/1.1'));
  await new Promise<void>((resolve) => http1.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await backend.close();
    http1.closeAllConnections();
    await new Promise<void>((resolve) => http1.close(() => resolve()));
  });
  const transportFor = (extra: Record<string, unknown>) => createTransport({ serverName: 'backend.test', rootCAs: [ca.ca.cert], ...extra });
  const cases: Array<[string, number, Record<string, unknown>, string]> = [
    ['an h2-capable server is spoken to over HTTP/2', backend.port, {}, 'h2'],
    ['disableHTTP2 keeps to HTTP/1.1', backend.port, { disableHTTP2: true }, 'http/1.1'],
    ['a server that chose http/1.1 by ALPN is spoken to over HTTP/1.1', (http1.address() as AddressInfo).port, {}, 'only http/1.1'],
  ];
  for (const [name, port, extra, body] of cases) {
    await t.test(name, async (t) => {
      const gw = await startHarness({ target: `https://127.0.0.1:${port}`, transport: transportFor(extra) });
      t.teardown(async () => {
        await gw.close();
        gw.transport.dispose();
      });
      for (let i = 0; i < 2; i++) {
        const response = await fetch(gw.url);
        t.equal(await response.text(), body, `request ${i + 1}`);
      }
    });
  }
});

/** A gateway front end speaking cleartext HTTP/2 to the test client, as an h2 entry point would. */
async function h2Front(target: string): Promise<{ port: number; outcomes: ForwardOutcome[]; close(): Promise<void> }> {
  const forwarder = createForwarder();
  const transport = createTransport({});
  const outcomes: ForwardOutcome[] = [];
  const server = http2.createServer((req, res) => {
    const r = req as unknown as import('node:http').IncomingMessage;
    adaptHttp2Request(r);
    const ctx = { entryPoint: 'web', tls: false, remoteAddr: '127.0.0.1', remotePort: 0, host: 'app.test', path: String(req.headers[':path']).split('?')[0]!, query: '', start: performance.now() };
    setContext(r, ctx);
    applyForwardedHeaders(r, ctx, { trusted: false });
    void forwarder.forward(r, res as unknown as import('node:http').ServerResponse, { url: new URL(target) }, { passHostHeader: true, transport }).then((o) => outcomes.push(o));
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (s: ServerHttp2Session) => sessions.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    outcomes,
    close: async () => {
      for (const s of sessions) s.destroy();
      transport.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

t.test('trailers go both ways and gRPC deadlines are enforced', async (t) => {
  let requestTrailers: IncomingHttpHeaders | undefined;
  let grpcTimeout: string | undefined;
  const backend = await h2Backend((stream, headers) => {
    if (headers['content-type'] === 'application/grpc' && headers[':path'] === '/slow') {
      grpcTimeout = headers['grpc-timeout'] as string;
      stream.resume();
      return;
    }
    stream.on('trailers', (trailers: IncomingHttpHeaders) => (requestTrailers = trailers));
    stream.resume();
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-checksum': 'abc' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  const front = await h2Front(`h2c://127.0.0.1:${backend.port}`);
  const h1 = await startHarness({ target: `h2c://127.0.0.1:${backend.port}` });
  t.teardown(async () => {
    await front.close();
    await h1.close();
    await backend.close();
  });

  await t.test('an HTTP/2 client’s request trailers reach the server and the response trailers come back', async (t) => {
    const client = http2.connect(`http://127.0.0.1:${front.port}`);
    t.teardown(() => client.close());
    const stream = client.request({ ':method': 'POST', ':path': '/call', 'content-type': 'application/grpc', te: 'trailers' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'x-request-trailer': 'yes' }));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    const trailersSeen = new Promise<IncomingHttpHeaders>((resolve) => stream.on('trailers', resolve));
    stream.resume();
    const trailers = await trailersSeen;
    t.equal(trailers['grpc-status'], '0');
    t.equal(trailers['x-checksum'], 'abc');
    t.equal(requestTrailers?.['x-request-trailer'], 'yes');
  });

  await t.test('an HTTP/1.1 client gets the trailers only when it sent TE: trailers', async (t) => {
    const base = 'POST /call HTTP/1.1\r\nHost: a\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\nConnection: close\r\n';
    const withTe = await rawRequest(h1.port, `${base}TE: trailers\r\n\r\n\0\0\0\0\0`, 10_000);
    t.match(withTe.text, /\r\n0\r\ngrpc-status: 0\r\nx-checksum: abc\r\n\r\n$/);
    const without = await rawRequest(h1.port, `${base}\r\n\0\0\0\0\0`, 10_000);
    t.notMatch(without.text, /grpc-status/);
  });

  await t.test('an expired grpc-timeout ends the call with DEADLINE_EXCEEDED, the header forwarded', async (t) => {
    const client = http2.connect(`http://127.0.0.1:${front.port}`);
    t.teardown(() => client.close());
    const started = Date.now();
    const stream = client.request({ ':method': 'POST', ':path': '/slow', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '300m' });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    stream.resume();
    const [headers, flags] = await new Promise<[IncomingHttpHeaders, number]>((resolve) => stream.on('response', (h, f) => resolve([h, f])));
    t.equal(headers[':status'], 200);
    t.equal(headers['grpc-status'], '4');
    t.ok(flags & http2.constants.NGHTTP2_FLAG_END_STREAM, 'a Trailers-Only answer');
    t.equal(grpcTimeout, '300m');
    t.ok(Date.now() - started < 8000);
  });
});
