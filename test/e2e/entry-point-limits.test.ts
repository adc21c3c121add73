import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import http2 from 'node:http2';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// Slowloris against progress (security.md §2.10, Traefik #10654): a header section that trickles
// in is cut off by readHeaderTimeout, while a body that keeps arriving and a long response stream
// are not, as long as readTimeout is 0.

/** Opens a connection, writes `first`, then `next()` every `everyMs`; resolves with what came back and when the gateway closed. */
function trickle(port: number, first: string, next: () => string | undefined, everyMs: number, giveUpMs = 20_000, secure = false): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = secure ? tls.connect({ port, host: '127.0.0.1', servername: 'a.test', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }) : net.connect(port, '127.0.0.1');
    let text = '';
    const stop = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ text, closedAfterMs: Date.now() - started });
    };
    const timer = setInterval(() => {
      const chunk = next();
      if (chunk !== undefined && socket.writable) socket.write(chunk);
    }, everyMs);
    const giveUp = setTimeout(stop, giveUpMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', stop);
    socket.on('error', stop);
    socket.write(first);
  });
}

t.test('header timeouts stop slowloris without cutting slow uploads or long streams', async (t) => {
  const backend = await startBackend((req, res) => {
    if (req.url === '/stream') {
      // A server-sent-event style stream, four times longer than the header timeout.
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      let n = 0;
      const tick = setInterval(() => {
        res.write(`data: ${n++}\n\n`);
        if (n === 16) {
          clearInterval(tick);
          res.end();
        }
      }, 250);
      return;
    }
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.end(`received ${size}`));
  });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        slow: { address: '127.0.0.1:0', transport: { respondingTimeouts: { readHeaderTimeout: '1s', readTimeout: '0s' } } },
        bounded: { address: '127.0.0.1:0', transport: { respondingTimeouts: { readTimeout: '1500ms' } } },
      },
    },
    dynamic: {
      'r.yaml': { http: { routers: { all: { rule: 'PathPrefix(`/`)', service: 's' } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  await t.test('a header section that never ends is answered 408 and closed', async (t) => {
    let n = 0;
    const got = await trickle(gw.port('slow'), 'GET / HTTP/1.1\r\nHost: a.test\r\n', () => `X-${n++}: v\r\n`, 150);
    t.ok(got.closedAfterMs >= 900, `not before the timeout (${got.closedAfterMs} ms)`);
    t.ok(got.closedAfterMs < 15_000, `closed in ${got.closedAfterMs} ms`);
    t.match(got.text, /^(HTTP\/1\.1 408|$)/, 'a 408 or a plain close');
  });

  await t.test('a slow body that keeps arriving is delivered in full', async (t) => {
    let left = 20;
    const got = await trickle(gw.port('slow'), 'POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 20\r\nConnection: close\r\n\r\n', () => (left-- > 0 ? 'x' : undefined), 200);
    t.ok(got.closedAfterMs >= 3000, `the upload outlived the header timeout (${got.closedAfterMs} ms)`);
    t.match(got.text, /^HTTP\/1\.1 200/);
    t.match(got.text, /received 20$/);
  });

  await t.test('a long response stream is delivered in full', async (t) => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(gw.url('/stream', 'slow'), (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    t.equal(body.match(/data: /g)?.length, 16, 'every event arrived');
  });

  await t.test('readTimeout, when set, still bounds the whole request as in Traefik', async (t) => {
    let left = 40;
    const got = await trickle(gw.port('bounded'), 'POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 40\r\n\r\n', () => (left-- > 0 ? 'x' : undefined), 200);
    t.ok(got.closedAfterMs < 7000, `cut off after ${got.closedAfterMs} ms`);
    t.notMatch(got.text, /received 40/);
  });
});

/** Sends one HTTP/2 GET with extra headers on an open session; resolves with the status, or the stream's error code when it was reset. */
function h2Request(session: http2.ClientHttp2Session, headers: Record<string, string>): Promise<{ status?: number; reset?: number }> {
  return new Promise((resolve) => {
    const stream = session.request({ ':path': '/', ':authority': 'a.test', ...headers });
    let status: number | undefined;
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('error', () => undefined);
    stream.resume();
    stream.on('close', () => resolve(status !== undefined ? { status } : { reset: stream.rstCode }));
  });
}

const headerLines = (count: number): string => Array.from({ length: count }, (_, i) => `X-H${i}: v\r\n`).join('');

t.test('a body that stops arriving is cut off even with readTimeout 0s (CVE-2024-28869)', async (t) => {
  const backend = await startBackend((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.end(`received ${size}`));
  });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        web: { address: '127.0.0.1:0', transport: { respondingTimeouts: { readTimeout: '0s', bodyIdleTimeout: '1s' } } },
      },
    },
    dynamic: {
      'r.yaml': { http: { routers: { all: { rule: 'PathPrefix(`/`)', service: 's' } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  await t.test('a trickle upload that keeps sending outlives the idle limit four times over', async (t) => {
    let left = 25;
    const got = await trickle(gw.port('web'), 'POST /up HTTP/1.1\r\nHost: a.test\r\nContent-Length: 25\r\nConnection: close\r\n\r\n', () => (left-- > 0 ? 'x' : undefined), 200);
    t.ok(got.closedAfterMs >= 4000, `the upload ran ${got.closedAfterMs} ms`);
    t.match(got.text, /^HTTP\/1\.1 200/);
    t.match(got.text, /received 25$/);
  });

  const stalled: Array<[string, string, () => string | undefined]> = [
    ['a GET announcing a body it never sends', 'GET / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\n', () => undefined],
    ['an upload that stops half way', 'POST /up HTTP/1.1\r\nHost: a.test\r\nContent-Length: 100\r\n\r\nabc', () => undefined],
    ['a chunked upload that stops', 'POST /up HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', () => undefined],
  ];
  for (const [name, first, next] of stalled) {
    await t.test(`${name} is answered 408 and closed after about the limit`, async (t) => {
      const got = await trickle(gw.port('web'), first, next, 500);
      t.ok(got.closedAfterMs >= 900, `not before the limit (${got.closedAfterMs} ms)`);
      t.ok(got.closedAfterMs < 10_000, `closed after ${got.closedAfterMs} ms`);
      t.match(got.text, /^HTTP\/1\.1 408/);
    });
  }
});

t.test('header limits and timeouts apply over TLS as over plain HTTP', async (t) => {
  const backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        web: {
          address: '127.0.0.1:0',
          http: { maxHeaderBytes: 4096, maxHeaderCount: 20 },
          transport: { respondingTimeouts: { readTimeout: '0s', readHeaderTimeout: '1s', bodyIdleTimeout: '1s' } },
        },
        roomy: { address: '127.0.0.1:0' },
      },
    },
    dynamic: {
      'r.yaml': {
        http: {
          routers: { plain: { rule: 'PathPrefix(`/`)', service: 's' }, secure: { rule: 'PathPrefix(`/`)', service: 's', tls: {} } },
          services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  // The server must take what the gateway lets through: Node's own limit is 16 KiB.
  Object.assign(backend.server, { maxHeaderSize: 1 << 20 });
  const port = gw.port('web');
  const once = (request: string, secure: boolean, to = port) => trickle(to, request, () => undefined, 1000, 20_000, secure);

  await t.test('a 100 KiB header section, within the 1 MiB default, is served over every protocol', async (t) => {
    const big = `X-Big: ${'a'.repeat(100 * 1024)}\r\n`;
    for (const secure of [false, true]) {
      const got = await once(`GET / HTTP/1.1\r\nHost: a.test\r\n${big}Connection: close\r\n\r\n`, secure, gw.port('roomy'));
      t.match(got.text, /^HTTP\/1\.1 200/, secure ? 'HTTP/1.1 over TLS' : 'plain HTTP/1.1');
    }
    // Node's client refuses to send a header block over 64 KiB unless told otherwise.
    const session = http2.connect(`https://127.0.0.1:${gw.port('roomy')}`, { servername: 'a.test', rejectUnauthorized: false, maxSendHeaderBlockLength: 1 << 20 });
    session.on('error', () => undefined);
    t.teardown(() => session.close());
    await new Promise<void>((resolve, reject) => session.once('remoteSettings', () => resolve()).once('error', reject));
    t.same(await h2Request(session, { 'x-big': 'a'.repeat(100 * 1024) }), { status: 200 }, 'HTTP/2');
  });

  for (const secure of [false, true]) {
    const over = secure ? 'HTTPS' : 'plain HTTP';
    await t.test(`HTTP/1.1 over ${over}: the header limits answer 431`, async (t) => {
      const cases: Array<[string, string, RegExp]> = [
        ['headers within both limits are served', headerLines(10), /^HTTP\/1\.1 200/],
        ['a header section over maxHeaderBytes', `X-Big: ${'a'.repeat(5000)}\r\n`, /^HTTP\/1\.1 431/],
        ['more header lines than maxHeaderCount', headerLines(25), /^HTTP\/1\.1 431/],
      ];
      for (const [name, headers, expected] of cases) {
        const got = await once(`GET / HTTP/1.1\r\nHost: a.test\r\n${headers}Connection: close\r\n\r\n`, secure);
        t.match(got.text, expected, name);
      }
    });

    await t.test(`HTTP/1.1 over ${over}: a header section that never ends is cut off by readHeaderTimeout`, async (t) => {
      let n = 0;
      const got = await trickle(port, 'GET / HTTP/1.1\r\nHost: a.test\r\n', () => `X-${n++ % 10}: v\r\n`, 150, 20_000, secure);
      t.ok(got.closedAfterMs >= 900, `not before the timeout (${got.closedAfterMs} ms)`);
      t.ok(got.closedAfterMs < 15_000, `closed in ${got.closedAfterMs} ms`);
      t.match(got.text, /^(HTTP\/1\.1 408|$)/, 'a 408 or a plain close');
    });

    await t.test(`HTTP/1.1 over ${over}: a stalled body is answered 408`, async (t) => {
      const got = await trickle(port, 'POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\nab', () => undefined, 500, 20_000, secure);
      t.ok(got.closedAfterMs >= 900 && got.closedAfterMs < 10_000, `closed after ${got.closedAfterMs} ms`);
      t.match(got.text, /^HTTP\/1\.1 408/);
    });
  }

  await t.test('HTTP/2: over the limits a stream gets 431 or is reset, and the connection stays usable', async (t) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { servername: 'a.test', rejectUnauthorized: false });
    session.on('error', () => undefined);
    t.teardown(() => session.close());
    await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, 'v']));
    t.same(await h2Request(session, many(10)), { status: 200 }, 'headers within both limits are served');
    t.same(await h2Request(session, { 'x-big': 'a'.repeat(4200) }), { status: 431 }, 'just over maxHeaderBytes: 431');
    t.same(await h2Request(session, many(22)), { status: 431 }, 'just over maxHeaderCount: 431');
    const huge = await h2Request(session, { 'x-big': 'a'.repeat(20_000) });
    t.ok(huge.status === 431 || (huge.reset ?? 0) > 0, `far over maxHeaderBytes: 431 or a stream reset (${JSON.stringify(huge)})`);
    const crowd = await h2Request(session, many(200));
    t.ok(crowd.status === 431 || (crowd.reset ?? 0) > 0, `far over maxHeaderCount: 431 or a stream reset (${JSON.stringify(crowd)})`);
    t.same(await h2Request(session, {}), { status: 200 }, 'the same connection still serves');
  });
});
