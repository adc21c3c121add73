import t from 'tap';
import net from 'node:net';
import http from 'node:http';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// Slowloris against progress (security.md §2.10, Traefik #10654): a header section that trickles
// in is cut off by readHeaderTimeout, while a body that keeps arriving and a long response stream
// are not, as long as readTimeout is 0.

/** Opens a connection, writes `first`, then `next()` every `everyMs`; resolves with what came back and when the gateway closed. */
function trickle(port: number, first: string, next: () => string | undefined, everyMs: number, giveUpMs = 20_000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
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
