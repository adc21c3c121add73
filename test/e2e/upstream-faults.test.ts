import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';

// Hostile or broken servers behind the gateway (security reference §2.13 and §5): every fault ends in a
// clean 502/504, or a visibly broken response once the answer has started, and never in a crash or a hang.

type Expect = { status: number } | 'broken' | { oneOf: number[] };

/** What the fault server does with one request, by path. */
const FAULTS: Record<string, (socket: Socket) => void> = {
  ok: (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
  'reset-before-response': (s) => s.resetAndDestroy(),
  'close-before-response': (s) => s.end(),
  'reset-mid-body': (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
    setTimeout(() => s.resetAndDestroy(), 50);
  },
  stall: () => {},
  'malformed-status-line': (s) => s.end('HTTP/1.1 abc Nope\r\nContent-Length: 0\r\n\r\n'),
  'status-099': (s) => s.end('HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n'),
  'garbage-instead-of-http': (s) => s.end('this is not http at all\r\n\r\n'),
  'malformed-header-name': (s) => s.end('HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 0\r\n\r\n'),
  'header-with-bare-cr': (s) => s.end('HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n'),
  'content-length-and-chunked': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'),
  'truncated-body-with-content-length': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'),
  'truncated-chunked-body': (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'),
  'unsolicited-101': (s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\nraw bytes'),
  '1xx-flood': (s) => {
    s.write('HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n'.repeat(2000));
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  },
  'huge-headers': (s) => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(200_000)}\r\nContent-Length: 0\r\n\r\n`),
};

const CASES: Array<[string, string, Expect]> = [
  ['a refused connection is a 502', '/refuse', { status: 502 }],
  ['a reset before any response is a 502', '/f/reset-before-response', { status: 502 }],
  ['a close before any response is a 502', '/f/close-before-response', { status: 502 }],
  ['a reset mid-body closes the client connection after the partial body', '/f/reset-mid-body', 'broken'],
  ['a server stalling before headers is a 504 after responseHeaderTimeout', '/f/stall', { status: 504 }],
  ['a malformed status line is a 502', '/f/malformed-status-line', { status: 502 }],
  ['status 099 is a 502, not a crash', '/f/status-099', { status: 502 }],
  ['garbage instead of HTTP is a 502', '/f/garbage-instead-of-http', { status: 502 }],
  ['a malformed header name is a 502', '/f/malformed-header-name', { status: 502 }],
  ['a bare CR in a header value is a 502', '/f/header-with-bare-cr', { status: 502 }],
  ['Content-Length with chunked in a response is a 502', '/f/content-length-and-chunked', { status: 502 }],
  ['a body shorter than its Content-Length ends in a closed connection', '/f/truncated-body-with-content-length', 'broken'],
  ['a chunked body without its last chunk ends in a closed connection', '/f/truncated-chunked-body', 'broken'],
  ['an unsolicited 101 to a plain request is a 502', '/f/unsolicited-101', { status: 502 }],
  ['a flood of 1xx answers ends in a final answer', '/f/1xx-flood', { oneOf: [200, 502] }],
  ['headers larger than the parser allows are a 502', '/f/huge-headers', { status: 502 }],
];

/** A raw server that reads request heads on kept-alive connections and answers each per its path. */
async function startFaultServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const path = head.split(' ')[1] ?? '/';
        const fault = FAULTS[path.replace(/^\/f\//, '')] ?? FAULTS.ok!;
        fault(socket);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Sends one request on a fresh connection and collects every byte until the gateway closes it. */
function exchange(port: number, path: string): Promise<{ raw: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ raw, closed: false });
    }, 20_000);
    socket.on('data', (chunk) => (raw += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ raw, closed: true });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: faults.test\r\nConnection: close\r\n\r\n`);
  });
}

/** The final (non-1xx) status of a raw response. */
function finalStatus(raw: string): number {
  const statuses = [...raw.matchAll(/(?:^|\r\n)HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
  return statuses.find((s) => s >= 200) ?? 0;
}

/** True when a started 200 response is incomplete: fewer body bytes than announced, or no last chunk. */
function isBroken(raw: string): boolean {
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/1.1 200') || end < 0) return false;
  const head = raw.slice(0, end);
  const body = raw.slice(end + 4);
  const length = /content-length: *(\d+)/i.exec(head);
  if (length) return body.length < Number(length[1]);
  return /transfer-encoding: *chunked/i.test(head) && !/(^|\r\n)0\r\n\r\n$/.test(body);
}

t.test('faults behind the gateway end cleanly, and the gateway and its pools keep serving', async (t) => {
  const faults = await startFaultServer();
  const healthy = await startBackend((_req, res) => res.end('healthy'));
  const refused = net.createServer().listen(0, '127.0.0.1');
  await once(refused, 'listening');
  const refusedPort = (refused.address() as AddressInfo).port;
  refused.close();
  const gw = await startTestGateway({
    dynamic: {
      'faults.yaml': {
        http: {
          routers: {
            faults: { rule: 'PathPrefix(`/f/`)', service: 'faults' },
            refuse: { rule: 'Path(`/refuse`)', service: 'refused' },
            healthy: { rule: 'Path(`/healthy`)', service: 'healthy' },
          },
          services: {
            faults: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${faults.port}` }], serversTransport: 'strict' } },
            refused: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${refusedPort}` }], serversTransport: 'strict' } },
            healthy: { loadBalancer: { servers: [{ url: healthy.url }], serversTransport: 'strict' } },
          },
          serversTransports: { strict: { forwardingTimeouts: { responseHeaderTimeout: '1s' } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await faults.close();
    await healthy.close();
  });

  for (const [name, path, expected] of CASES) {
    await t.test(name, async (t) => {
      const { raw, closed } = await exchange(gw.port(), path);
      t.ok(closed, 'the gateway closes the connection (no hang)');
      if (expected === 'broken') {
        t.ok(isBroken(raw), `the response started and was cut short: ${JSON.stringify(raw.slice(0, 80))}`);
      } else if ('status' in expected) {
        t.equal(finalStatus(raw), expected.status, JSON.stringify(raw.slice(0, 80)));
      } else {
        t.ok(expected.oneOf.includes(finalStatus(raw)), `final status ${finalStatus(raw)} is one of ${expected.oneOf.join(', ')}`);
      }
      // Kept-alive requests on the same transport: to a healthy server, and to the faulty server's sane path.
      const good = await fetch(gw.url('/healthy'));
      t.equal(good.status, 200, 'a healthy route still answers');
      await good.text();
      const again = await fetch(gw.url('/f/ok'));
      t.equal(again.status, 200, 'the same server answers its next request on a new pooled connection');
      t.equal(await again.text(), 'ok');
    });
  }
});
