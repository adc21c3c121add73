import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { tlsGet } from '../src/tls/tls-client.js';
import type { CertificateSource } from '../../src/tls/certificate-store.js';

const ca = createTestCA();

t.test('certificate sources and TLS-ALPN challenge responders plug into the TLS manager', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    dynamic: { 'routes.yaml': { http: { routers: { r: { rule: 'Host(`issued.test`)', service: 's', tls: {} } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const listeners = new Set<() => void>();
  let held: Array<{ names: string[]; cert: string; key: string }> = [];
  const source: CertificateSource = {
    certificates: () => held,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const unregister = gw.gateway.tls.registerSource(source);

  await t.test('before the source has a certificate, the default one is served', async (t) => {
    t.equal((await tlsGet(gw.port(), { servername: 'issued.test' })).servedCN, 'SWITCHYARD DEFAULT CERT');
  });

  await t.test('a certificate the source announces is served at once', async (t) => {
    const issued = ca.issue(['issued.test']);
    held = [{ names: ['issued.test'], cert: issued.cert, key: issued.key }];
    for (const listener of listeners) listener();
    const result = await tlsGet(gw.port(), { servername: 'issued.test', ca: ca.ca.cert, rejectUnauthorized: true });
    t.equal(result.servedCN, 'issued.test');
    t.equal(result.status, 200);
  });

  await t.test('an acme-tls/1 handshake gets the challenge certificate and no HTTP', async (t) => {
    const challenge = ca.issue(['issued.test']);
    const off = gw.gateway.tls.registerAlpnChallenge((name) => (name === 'issued.test' ? { cert: challenge.cert, key: challenge.key } : undefined));
    const result = await tlsGet(gw.port(), { servername: 'issued.test', ALPNProtocols: ['acme-tls/1'] });
    t.equal(result.alpn, 'acme-tls/1');
    t.equal(result.status, undefined, 'the connection carries no HTTP');
    const normal = await tlsGet(gw.port(), { servername: 'issued.test' });
    t.equal(normal.status, 200, 'ordinary handshakes are untouched');
    off();
  });

  await t.test('removing the source removes its certificates', async (t) => {
    unregister();
    t.equal((await tlsGet(gw.port(), { servername: 'issued.test' })).servedCN, 'SWITCHYARD DEFAULT CERT');
  });
});
