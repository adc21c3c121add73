import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { rawRequest, startBackend, statusOf } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { h2Get, tlsGet } from '../src/tls/tls-client.js';

const ca = createTestCA();
const exact = ca.issue(['a.test']);
const wildcard = ca.issue(['*.wild.test']);

t.test('one port serves plain HTTP and HTTPS, each to its own routers', async (t) => {
  const backend = await startBackend((req, res) => res.end(`plain ${req.url} ${req.httpVersion}`));
  const secureBackend = await startBackend((req, res) => res.end(`secure ${req.url} ${req.httpVersion}`));
  const gw = await startTestGateway({
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            plain: { rule: 'Host(`a.test`)', service: 'plain' },
            secure: { rule: 'Host(`a.test`)', service: 'secure', tls: {} },
            wild: { rule: 'Host(`x.wild.test`)', service: 'secure', tls: {} },
            other: { rule: 'Host(`other.test`)', service: 'secure', tls: {} },
          },
          services: {
            plain: { loadBalancer: { servers: [{ url: backend.url }] } },
            secure: { loadBalancer: { servers: [{ url: secureBackend.url }] } },
          },
        },
        tls: { certificates: [{ certFile: exact.certFile, keyFile: exact.keyFile }, { certFile: wildcard.certFile, keyFile: wildcard.keyFile }] },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await secureBackend.close();
  });
  const port = gw.port();

  const cases: Array<[string, Parameters<typeof tlsGet>[1], string | undefined]> = [
    ['an exact SNI name gets its certificate', { servername: 'a.test' }, 'a.test'],
    ['SNI matching is case-insensitive', { servername: 'A.TEST', host: 'a.test' }, 'a.test'],
    ['a one-label wildcard covers its subdomain', { servername: 'x.wild.test' }, '*.wild.test'],
    ['an unknown name gets the generated default certificate', { servername: 'other.test' }, 'SWITCHYARD DEFAULT CERT'],
    ['no SNI gets the generated default certificate', { host: 'a.test' }, 'SWITCHYARD DEFAULT CERT'],
  ];
  for (const [name, opts, cn] of cases) {
    await t.test(name, async (t) => {
      const result = await tlsGet(port, opts);
      t.equal(result.servedCN, cn);
      t.equal(result.status, 200, result.error ?? '');
    });
  }

  await t.test('the served certificate verifies against its CA', async (t) => {
    const result = await tlsGet(port, { servername: 'a.test', ca: ca.ca.cert, rejectUnauthorized: true });
    t.equal(result.status, 200, result.error ?? '');
  });

  await t.test('a TLS router answers only HTTPS and a plain router only HTTP', async (t) => {
    t.equal((await tlsGet(port, { servername: 'a.test' })).body, 'secure / 1.1');
    const plain = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n');
    t.match(plain.text, /plain \/ 1\.1$/);
    const onlyTls = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x.wild.test\r\nConnection: close\r\n\r\n');
    t.equal(statusOf(onlyTls.text), 404, 'the wildcard host has only a TLS router');
  });

  await t.test('HTTP/2 is negotiated by ALPN and forwarded to an HTTP/1.1 server', async (t) => {
    const result = await h2Get(port, 'a.test', '/x');
    t.equal(result.alpn, 'h2');
    t.equal(result.status, 200);
    t.equal(result.body, 'secure /x 1.1');
  });

  await t.test('HTTP/1.1 is served on the same port when the client offers only http/1.1', async (t) => {
    const result = await tlsGet(port, { servername: 'a.test', ALPNProtocols: ['http/1.1'] });
    t.equal(result.alpn, 'http/1.1');
    t.equal(result.status, 200);
  });

  await t.test('a client offering no ALPN still gets HTTP/1.1', async (t) => {
    const result = await tlsGet(port, { servername: 'a.test', ALPNProtocols: [] });
    t.equal(result.status, 200, result.error ?? '');
  });
});

t.test('a WebSocket is tunnelled over HTTPS (HTTP/1.1 upgrade on the TLS side of the port)', async (t) => {
  const { WebSocket, WebSocketServer } = await import('ws');
  const backend = await startBackend((_req, res) => res.end('not a websocket'));
  const wss = new WebSocketServer({ server: backend.server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
  const gw = await startTestGateway({
    dynamic: {
      'routes.yaml': {
        http: { routers: { ws: { rule: 'Host(`a.test`)', service: 's', tls: {} } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } },
        tls: { certificates: [{ certFile: exact.certFile, keyFile: exact.keyFile }] },
      },
    },
  });
  t.teardown(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    await gw.close();
    await backend.close();
  });
  const tlsOptions = { servername: 'a.test', ca: ca.ca.cert };
  const ws = new WebSocket(`wss://127.0.0.1:${gw.port()}/chat`, { headers: { host: 'a.test' }, ...tlsOptions });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answer = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
  ws.send('hi');
  t.equal(await answer, 'echo hi');
  ws.close();
});

t.test('a certificate file replaced on disk is served without a restart', async (t) => {
  const { copyFileSync, renameSync } = await import('node:fs');
  const path = await import('node:path');
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({ dynamic: { 'routes.yaml': { http: { routers: { r: { rule: 'Host(`a.test`)', service: 's', tls: {} } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } } } });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const certFile = path.join(gw.dir, 'a.crt');
  const keyFile = path.join(gw.dir, 'a.key');
  copyFileSync(exact.certFile, certFile);
  copyFileSync(exact.keyFile, keyFile);
  await gw.writeDynamic('certs.yaml', { tls: { certificates: [{ certFile, keyFile }] } });
  const before = await tlsGet(gw.port(), { servername: 'a.test' });
  t.equal(before.servedCN, 'a.test');
  const renewed = ca.issue(['a.test', 'b.test']);
  const reloaded = new Promise((resolve) => gw.gateway.tls.events.once('certificates', resolve));
  // Key first, then certificate, each replaced atomically as certificate tools do.
  copyFileSync(renewed.keyFile, `${keyFile}.new`);
  renameSync(`${keyFile}.new`, keyFile);
  copyFileSync(renewed.certFile, `${certFile}.new`);
  renameSync(`${certFile}.new`, certFile);
  await reloaded;
  let after = await tlsGet(gw.port(), { servername: 'a.test' });
  // The key and certificate may land in two reloads; wait for the one that sees both.
  for (let i = 0; i < 20 && after.fingerprint === before.fingerprint; i++) {
    await new Promise((resolve) => gw.gateway.tls.events.once('certificates', resolve));
    after = await tlsGet(gw.port(), { servername: 'a.test' });
  }
  t.not(after.fingerprint, before.fingerprint, 'a new certificate is served');
  t.equal(after.status, 200);
  t.equal((await tlsGet(gw.port(), { servername: 'b.test' })).servedCN, 'a.test', 'its new SAN is served too');
});
