import t from 'tap';
import { rm, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { preparePebble, httpsGet, waitForAcmeCertificate } from '../helpers/pebble.js';

// TLS-ALPN-01 against a real Pebble whose tlsPort is the gateway's HTTPS entry point: acme-tls/1
// handshakes are answered through the TLS manager's ALPN hook, then HTTPS is served with the certificate.
const pebble = await preparePebble();
const storageDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-alpn-'));
t.teardown(async () => {
  await pebble.close();
  await rm(storageDir, { recursive: true, force: true });
});

t.test('a certificate is obtained over TLS-ALPN-01 on the gateway\'s HTTPS entry point and served to clients trusting pebble\'s root', async (t) => {
  const backend = await startBackend((req, res) => res.end(`backend saw ${req.headers.host}`));
  t.teardown(() => backend.close());
  const gw = await startTestGateway({
    static: {
      entryPoints: { websecure: { address: '127.0.0.1:0' } },
      certificatesResolvers: {
        alpn: { acme: { email: 'ops@app.test', storage: path.join(storageDir, 'acme.json'), caServer: pebble.directoryUrl, keyType: 'EC384', caCertificates: [pebble.apiCertFile], tlsChallenge: {} } },
      },
    },
  });
  t.teardown(() => gw.close());
  const acme = gw.gateway.acme!;
  await pebble.start({ tlsPort: gw.port('websecure') });

  t.equal(acme.alpnChallenge('secure.app.test'), undefined, 'no challenge certificate before an order');
  await gw.writeDynamic('app.yaml', {
    http: {
      routers: { app: { rule: 'Host(`secure.app.test`) || Host(`alt.app.test`)', entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'alpn', domains: [{ main: 'secure.app.test', sans: ['alt.app.test'] }] } } },
      services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
    },
  });
  await waitForAcmeCertificate(acme, 'secure.app.test');
  t.same(acme.certificates()[0]!.names, ['secure.app.test', 'alt.app.test'], 'tls.domains main + SANs make one certificate');
  t.equal(acme.alpnChallenge('secure.app.test'), undefined, 'the challenge certificate is withdrawn after the order');

  const answer = await httpsGet(gw.port('websecure'), 'alt.app.test', await pebble.root());
  t.equal(answer.status, 200);
  t.equal(answer.body, 'backend saw alt.app.test', 'the gateway serves the issued certificate and routes the request');
  t.match(answer.issuer, /Pebble Intermediate/);
});
