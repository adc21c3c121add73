import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import http2 from 'node:http2';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// respondingTimeouts on HTTP/2 sessions and streams, over TLS (ALPN h2) and cleartext h2c: a session
// with no open stream is closed after idleTimeout (GOAWAY), one that never sends a request after
// readHeaderTimeout, and a request body still arriving after readTimeout resets only its stream.

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
const WAIT_MS = 20_000;
// About 40s when all goes well; a loaded host can take several times that.
t.setTimeout(300_000);

interface Transport {
  name: string;
  secure: boolean;
}
const transports: Transport[] = [
  { name: 'HTTP/2 over TLS', secure: true },
  { name: 'h2c (prior knowledge)', secure: false },
];

/** A client session plus what happened to it: when the gateway sent GOAWAY and when the session closed. */
interface Watched {
  session: http2.ClientHttp2Session;
  events: string[];
  closed: Promise<void>;
}

async function openSession(port: number, secure: boolean): Promise<Watched> {
  const session = secure ? http2.connect(`https://127.0.0.1:${port}`, { servername: 'a.test', rejectUnauthorized: false }) : http2.connect(`http://127.0.0.1:${port}`);
  const events: string[] = [];
  session.on('error', () => undefined);
  // Graceful shutdown may take two GOAWAYs (RFC 9113 §6.8): one entry is kept.
  session.on('goaway', () => events.at(-1) !== 'goaway' && events.push('goaway'));
  const closed = new Promise<void>((resolve) => session.once('close', () => (events.push('close'), resolve())));
  await new Promise<void>((resolve, reject) => session.once('remoteSettings', () => resolve()).once('close', () => reject(new Error('closed before SETTINGS'))));
  return { session, events, closed };
}

/** Resolves when `closed` settles or after `ms`, saying which. */
function within(closed: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void closed.then(() => (clearTimeout(timer), resolve(true)));
  });
}

/** One request on a session; resolves with the status and body, or the reset code when the stream was reset. */
function request(watched: Watched, path: string, events?: string[], body?: string): Promise<{ status?: number; body: string; rstCode?: number }> {
  return new Promise((resolve) => {
    const stream = watched.session.request({ ':path': path, ':authority': 'a.test', ...(body !== undefined ? { ':method': 'POST' } : {}) }, { endStream: body === undefined });
    let status: number | undefined;
    let text = '';
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('error', () => undefined);
    // A body is written and the stream left open: the upload stalls.
    if (body !== undefined) stream.write(body);
    stream.on('close', () => {
      events?.push(`${path} closed`);
      resolve(status !== undefined && stream.rstCode === http2.constants.NGHTTP2_NO_ERROR ? { status, body: text } : { status, body: text, rstCode: stream.rstCode });
    });
  });
}

/** A raw connection that writes `bytes` and stalls; resolves with whether the gateway closed it (and sent GOAWAY) within the wait. */
function stallRaw(port: number, secure: boolean, bytes: Buffer): Promise<{ closed: boolean; goaway: boolean }> {
  return new Promise((resolve) => {
    const socket: net.Socket = secure ? tls.connect({ port, host: '127.0.0.1', servername: 'a.test', rejectUnauthorized: false, ALPNProtocols: ['h2'] }) : net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const finish = (closed: boolean) => {
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closed, goaway: hasGoaway(received) });
    };
    const giveUp = setTimeout(() => finish(false), WAIT_MS);
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    socket.on('error', () => undefined);
    socket.once('close', () => finish(true));
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(bytes));
  });
}

/** Whether a server byte stream holds a GOAWAY frame (type 0x7, RFC 9113 §6.8). */
function hasGoaway(data: Buffer): boolean {
  for (let at = 0; at + 9 <= data.length; at += 9 + data.readUIntBE(at, 3)) if (data[at + 3] === 0x7) return true;
  return false;
}

t.test('HTTP/2 sessions and streams obey respondingTimeouts', async (t) => {
  const backend = await startBackend((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('slow'), 4000);
    if (req.url === '/upload') {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      return void req.on('end', () => res.end(`received ${size}`));
    }
    res.end('fast');
  });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        short: { address: '127.0.0.1:0', transport: { respondingTimeouts: { idleTimeout: '1s', readTimeout: '2s', readHeaderTimeout: '2s' } } },
        headers: { address: '127.0.0.1:0', transport: { respondingTimeouts: { readHeaderTimeout: '1s' } } },
        patient: { address: '127.0.0.1:0' },
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

  for (const { name, secure } of transports) {
    await t.test(`${name}: a session left with no open stream gets GOAWAY and is closed after idleTimeout`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      t.same(await request(watched, '/fast'), { status: 200, body: 'fast' }, 'the first request is served');
      t.ok(await within(watched.closed, WAIT_MS), 'the idle session was closed');
      t.same(watched.events, ['goaway', 'close'], 'GOAWAY came before the close');
    });

    await t.test(`${name}: a stream waiting on a slow backend outlives idleTimeout, then the idle session is closed`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      t.same(await request(watched, '/slow', watched.events), { status: 200, body: 'slow' }, 'the long request completes');
      t.ok(await within(watched.closed, WAIT_MS), 'the session was closed once idle');
      t.same(watched.events, ['/slow closed', 'goaway', 'close'], 'no GOAWAY while the stream ran');
    });

    await t.test(`${name}: PINGs do not keep a session with no open stream alive`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      t.same(await request(watched, '/fast'), { status: 200, body: 'fast' });
      const pinging = setInterval(() => !watched.session.closed && !watched.session.destroyed && watched.session.ping(() => undefined), 200);
      t.teardown(() => clearInterval(pinging));
      t.ok(await within(watched.closed, WAIT_MS), 'closed while pinging');
      t.equal(watched.events[0], 'goaway');
    });

    await t.test(`${name}: a session that never sends HEADERS is closed after readHeaderTimeout`, async (t) => {
      // http2.connect writes the preface and SETTINGS, then waits for requests that never come.
      const watched = await openSession(gw.port('headers'), secure);
      t.teardown(() => watched.session.destroy());
      t.ok(await within(watched.closed, WAIT_MS), 'closed although idleTimeout is 180s');
      t.same(watched.events, ['goaway', 'close']);
    });

    const partial: Array<[string, Buffer]> = [
      ['the preface, SETTINGS and half a frame header', Buffer.concat([Buffer.from(PREFACE, 'latin1'), EMPTY_SETTINGS, Buffer.from([0, 0, 0x10, 0x1])])],
      ['the preface and a HEADERS frame cut short', Buffer.concat([Buffer.from(PREFACE, 'latin1'), EMPTY_SETTINGS, Buffer.from([0, 0, 0x10, 0x1, 0x4, 0, 0, 0, 1, 0x82])])],
      ['half the preface', Buffer.from(PREFACE.slice(0, 16), 'latin1')],
    ];
    for (const [what, bytes] of partial) {
      await t.test(`${name}: a client that sends ${what} and stalls is disconnected`, async (t) => {
        const got = await stallRaw(gw.port('headers'), secure, bytes);
        t.ok(got.closed, 'the gateway closed the connection');
      });
    }

    await t.test(`${name}: a stalled request body is reset after readTimeout while other streams on the session are served`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      const events: string[] = [];
      const started = Date.now();
      const stalled = request(watched, '/upload', events, 'abc');
      t.same(await request(watched, '/fast', events), { status: 200, body: 'fast' }, 'a request beside the stalled one is served');
      const cut = await stalled;
      t.equal(cut.rstCode, http2.constants.NGHTTP2_CANCEL, `the stalled stream was reset (${JSON.stringify(cut)})`);
      t.ok(Date.now() - started >= 1500, 'not before readTimeout');
      t.same(await request(watched, '/fast'), { status: 200, body: 'fast' }, 'the session still serves after the reset');
      t.same(events, ['/fast closed', '/upload closed']);
      t.notOk(watched.events.includes('goaway'), 'the session was not closed');
    });

    await t.test(`${name}: a complete request whose answer takes longer than readTimeout is not reset`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      const stream = watched.session.request({ ':path': '/slow', ':method': 'POST', ':authority': 'a.test' });
      let text = '';
      stream.on('data', (d: Buffer) => (text += d.toString()));
      stream.on('error', () => undefined);
      stream.end('body');
      await new Promise((resolve) => stream.once('close', resolve));
      t.equal(stream.rstCode, http2.constants.NGHTTP2_NO_ERROR);
      t.equal(text, 'slow');
    });

    await t.test(`${name}: a slow but complete upload within readTimeout is delivered`, async (t) => {
      const watched = await openSession(gw.port('short'), secure);
      t.teardown(() => watched.session.destroy());
      const stream = watched.session.request({ ':path': '/upload', ':method': 'POST', ':authority': 'a.test' });
      let text = '';
      stream.on('data', (d: Buffer) => (text += d.toString()));
      stream.write('ab');
      setTimeout(() => stream.end('cd'), 300);
      await new Promise((resolve) => stream.once('close', resolve));
      t.equal(text, 'received 4');
    });

    await t.test(`${name}: with the default timeouts a session stays open for seconds, before and after a request`, async (t) => {
      const [fresh, used] = await Promise.all([openSession(gw.port('patient'), secure), openSession(gw.port('patient'), secure)]);
      t.teardown(() => (fresh.session.destroy(), used.session.destroy()));
      t.same(await request(used, '/fast'), { status: 200, body: 'fast' });
      const [freshClosed, usedClosed] = await Promise.all([within(fresh.closed, 4000), within(used.closed, 4000)]);
      t.notOk(freshClosed, 'a session without requests is still open');
      t.notOk(usedClosed, 'an idle session after a request is still open');
      t.same([...fresh.events, ...used.events], [], 'no GOAWAY');
    });
  }
});
