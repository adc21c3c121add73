import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { preparePebble, httpsGet, waitForAcmeCertificate } from '../helpers/pebble.js';
import { startBackend } from '../helpers/backends.js';

// HTTP-01 against a real Pebble: the gateway answers on its `web` entry point, which is pebble's httpPort.
const pebble = await preparePebble();
const storageDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-http-'));
const storage = path.join(storageDir, 'acme.json');
t.teardown(async () => {
  await pebble.close();
  await rm(storageDir, { recursive: true, force: true });
});

const resolverStatic = () => ({
  entryPoints: { websecure: { address: '127.0.0.1:0', http: { tls: {} } } },
  certificatesResolvers: {
    le: { acme: { email: 'ops@app.test', storage, caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], httpChallenge: { entryPoint: 'web' }, throttle: { retryInitialDelay: '1s' } } },
  },
});
const routers = (backend: string) => ({
  http: {
    routers: {
      app: { rule: 'Host(`www.app.test`) || Host(`API.app.test`)', entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'le' } },
      plain: { rule: 'PathPrefix(`/`)', entryPoints: ['web'], service: 'app' },
    },
    services: { app: { loadBalancer: { servers: [{ url: backend }] } } },
  },
});

t.test('a certificate is obtained over HTTP-01 for each Host of a router and verifies against pebble\'s root', async (t) => {
  const backend = await startBackend((_req, res) => res.end('backend'));
  t.teardown(() => backend.close());
  const gw = await startTestGateway({ static: resolverStatic() });
  t.teardown(() => gw.close());
  await pebble.start({ httpPort: gw.port('web') });
  const acme = gw.gateway.acme!;
  t.ok(acme, 'the gateway has an ACME side');

  await gw.writeDynamic('app.yaml', routers(backend.url));
  const certs = await Promise.all([waitForAcmeCertificate(acme, 'www.app.test'), waitForAcmeCertificate(acme, 'api.app.test')]);
  t.not(certs[0], certs[1], 'one certificate per Host name (rule names are lower-cased)');
  t.same(acme.certificates().map((c) => c.names).sort(), [['api.app.test'], ['www.app.test']]);

  // A request under the challenge prefix that is no pending token is answered by acme-http@internal, not the user router.
  const challenge = await fetch(gw.url('/.well-known/acme-challenge/not-a-token'));
  t.equal(challenge.status, 404);
  t.equal((await fetch(gw.url('/other'))).status, 200, 'other paths still reach the user router');

  const root = await pebble.root();
  const answer = await httpsGet(gw.port('websecure'), 'www.app.test', root);
  t.equal(answer.status, 200);
  t.equal(answer.body, 'backend', 'a TLS client trusting only pebble\'s root accepts the gateway\'s certificate and is routed');
  t.match(answer.issuer, /Pebble Intermediate/);

  const leaf = new X509Certificate(certs[0]!);
  t.ok(leaf.checkIssued(new X509Certificate(certs[0]!.slice(certs[0]!.indexOf('-----END CERTIFICATE-----') + 26))), 'the stored chain includes the intermediate');
  t.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'keyType EC256 gives a P-256 key');

  const info = await stat(storage);
  t.equal(info.mode & 0o777, 0o600, 'acme.json is written with mode 0600');
  const stored = JSON.parse(await readFile(storage, 'utf8')) as { le: { Account: { Email: string }; Certificates: unknown[] } };
  t.equal(stored.le.Account.Email, 'ops@app.test');
  t.equal(stored.le.Certificates.length, 2);
  t.equal(gw.gateway.acme!.resolvers[0]!.ordersPlaced(), 2);
});

t.test('after a restart the stored certificates are served before any configuration and nothing is re-ordered', async (t) => {
  const backend = await startBackend((_req, res) => res.end('backend'));
  t.teardown(() => backend.close());
  const gw = await startTestGateway({ static: resolverStatic(), waitForFirst: false });
  t.teardown(() => gw.close());
  const acme = gw.gateway.acme!;
  t.same(acme.source.certificates().map((c) => c.names).sort(), [['api.app.test'], ['www.app.test']], 'loaded as soon as the gateway is up (#7869)');
  const early = await httpsGet(gw.port('websecure'), 'api.app.test', await pebble.root());
  t.match(early.issuer, /Pebble Intermediate/, 'the first handshake, before any router exists, already gets the stored certificate');
  await gw.gateway.waitForVersion(1);
  await gw.writeDynamic('app.yaml', routers(backend.url));
  await acme.resolvers[0]!.idle();
  t.equal(acme.resolvers[0]!.ordersPlaced(), 0, 'no new order');
});
