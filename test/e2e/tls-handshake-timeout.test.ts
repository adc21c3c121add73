import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import https from 'node:https';
import { Duplex } from 'node:stream';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// A TLS client that sends its ClientHello and then never finishes the handshake holds a socket and a
// handshake's memory: the entry point closes it after readHeaderTimeout, as a stalled request head.
t.setTimeout(120_000);

/** Sends a real ClientHello, then drops every later write of the TLS client; resolves with whether the gateway closed the socket within `ms`. */
function stallAfterHello(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const raw = net.connect(port, '127.0.0.1');
    let writes = 0;
    const stalling = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        if (writes++ === 0) raw.write(chunk);
        callback();
      },
    });
    raw.on('data', (data: Buffer) => stalling.push(data));
    raw.on('error', () => undefined);
    const client = tls.connect({ socket: stalling, servername: 'a.test', rejectUnauthorized: false });
    client.on('error', () => undefined);
    const timer = setTimeout(() => {
      raw.destroy();
      resolve(false);
    }, ms);
    raw.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

t.test('a TLS handshake stalled after the ClientHello is closed after readHeaderTimeout', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        short: { address: '127.0.0.1:0', transport: { respondingTimeouts: { readHeaderTimeout: '1s' } } },
        patient: { address: '127.0.0.1:0' },
      },
    },
    dynamic: {
      'r.yaml': {
        http: {
          routers: { secure: { rule: 'PathPrefix(`/`)', service: 's', tls: {} } },
          services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  const cases = [
    { name: 'with readHeaderTimeout 1s the stalled handshake is closed', entryPoint: 'short', waitMs: 20_000, closed: true },
    { name: 'with the defaults (60s) it is still open after 4s', entryPoint: 'patient', waitMs: 4_000, closed: false },
  ];
  for (const c of cases) t.equal(await stallAfterHello(gw.port(c.entryPoint), c.waitMs), c.closed, c.name);

  const status = await new Promise<number>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port: gw.port('short'), path: '/', servername: 'a.test', rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
  t.equal(status, 200, 'a handshake that completes is served as before');
});
