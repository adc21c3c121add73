import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

/** Sends one keep-alive request on a raw socket, then resolves with how long the gateway kept it open after the answer (capped). */
function idleLifetime(port: number, capMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answeredAt = 0;
    const cap = setTimeout(() => {
      socket.destroy();
      resolve(capMs);
    }, capMs + 15_000);
    socket.on('data', (chunk) => {
      if (!answeredAt && chunk.toString('latin1').includes('\r\n\r\nfast')) {
        answeredAt = Date.now();
        setTimeout(() => {
          if (!socket.destroyed) {
            clearTimeout(cap);
            socket.destroy();
            resolve(capMs);
          }
        }, capMs);
      }
    });
    socket.on('close', () => {
      clearTimeout(cap);
      resolve(answeredAt ? Date.now() - answeredAt : -1);
    });
    socket.on('error', reject);
    socket.write('GET /fast HTTP/1.1\r\nHost: app.test\r\n\r\n');
  });
}

// entryPoints.<name>.transport.respondingTimeouts.idleTimeout and writeTimeout, on real sockets.
t.test('respondingTimeouts: idleTimeout closes idle keep-alive connections, writeTimeout cuts a stalled response', async (t) => {
  const backend = await startBackend((req, res) => {
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-length': '20' });
      res.write('first');
      setTimeout(() => res.end('-and-the-rest-later'), 8000).unref();
    } else res.end('fast');
  });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        web: { transport: { respondingTimeouts: { idleTimeout: '300ms' } } },
        patient: { address: '127.0.0.1:0' },
        writer: { address: '127.0.0.1:0', transport: { respondingTimeouts: { writeTimeout: '500ms' } } },
      },
    },
    dynamic: { 'app.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  await t.test('a keep-alive connection idle past idleTimeout is closed by the gateway', async (t) => {
    const lived = await idleLifetime(gw.port('web'), 10_000);
    t.ok(lived >= 0 && lived < 10_000, `closed after ${lived} ms of idleness`);
  });

  await t.test('with the default idleTimeout (180s) the same connection stays open', async (t) => {
    t.equal(await idleLifetime(gw.port('patient'), 4000), 4000);
  });

  await t.test('a response stalled past writeTimeout is cut, not left hanging', async (t) => {
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) => {
      http
        .get(`http://127.0.0.1:${gw.port('writer')}/stall`, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(`complete:${body}`));
          res.on('error', () => resolve(`cut:${body}`));
          res.on('aborted', () => resolve(`cut:${body}`));
        })
        .on('error', () => resolve('cut:'));
    });
    t.match(outcome, /^cut:/, 'the client saw a broken response');
    t.ok(Date.now() - started < 7000, 'before the server would have finished');
  });
});
