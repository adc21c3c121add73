import t from 'tap';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { preparePebble, waitForAcmeCertificate } from '../helpers/pebble.js';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';

// Order options against a real Pebble that offers an alternate chain (RFC 8555 §7.4.2 Link rel="alternate").
const pebble = await preparePebble();
const storageDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-options-'));
t.teardown(async () => {
  await pebble.close();
  await rm(storageDir, { recursive: true, force: true });
});

// Pebble validates HTTP-01 on one port, so every gateway here binds its `web` entry point there, one at a time.
const pebbleReady = (async () => {
  const port = await freePort();
  await pebble.start({ httpPort: port, alternateRoots: 1 });
  return port;
})();

const chainOf = (pem: string) => pem.split(/(?<=-----END CERTIFICATE-----)\s*/).filter((p) => p.includes('BEGIN')).map((p) => new X509Certificate(p));
const commonName = (dn: string) => /CN=([^\n]+)/.exec(dn)?.[1];

const cases = [
  { name: 'the default chain leads to the first root', file: 'default.json', acme: {}, root: 0 },
  { name: 'preferredChain picks the alternate chain whose issuer it names', file: 'preferred.json', acme: { preferredChain: 'ALT' }, root: 1 },
  // Pebble, like Let's Encrypt, promotes the first SAN to the subject; test/src/acme/order.test.ts checks the CSR itself.
  { name: 'disableCommonName still gets a certificate for the name', file: 'no-cn.json', acme: { disableCommonName: true }, root: 0 },
  { name: 'a profile is not sent to a CA that lists none, and the order succeeds', file: 'profile.json', acme: { profile: 'shortlived' }, root: 0 },
];

t.test('order options shape the certificate that is stored and served', async (t) => {
  const backend = await startBackend((_req, res) => res.end('backend'));
  t.teardown(() => backend.close());
  // Each case has its own gateway, one after the other, on the port pebble validates HTTP-01 against.
  const webPort = (await pebbleReady)!;
  const rootNames = [commonName(new X509Certificate(await pebble.root(0)).subject), commonName(new X509Certificate(await pebble.root(1)).subject)];
  t.not(rootNames[0], rootNames[1], 'pebble offers two roots');
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const acme = { ...c.acme, ...(c.acme.preferredChain && { preferredChain: rootNames[1] }) };
      const gateway = await startTestGateway({
        static: {
          entryPoints: { web: { address: `127.0.0.1:${webPort}` }, websecure: { address: '127.0.0.1:0', http: { tls: {} } } },
          certificatesResolvers: {
            le: { acme: { email: 'ops@app.test', storage: path.join(storageDir, c.file), caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], httpChallenge: { entryPoint: 'web' }, ...acme } },
          },
        },
      });
      t.teardown(() => gateway.close());
      await gateway.writeDynamic('app.yaml', {
        http: {
          routers: { app: { rule: 'Host(`options.app.test`)', entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'le' } } },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      });
      const pem = await waitForAcmeCertificate(gateway.gateway.acme!, 'options.app.test');
      const chain = chainOf(pem);
      const top = chain[chain.length - 1]!;
      t.equal(commonName(top.issuer), rootNames[c.root], `the chain ends under root ${c.root}`);
      t.match(chain[0]!.subjectAltName ?? '', /DNS:options\.app\.test/);
    });
  }
});

t.test('defaultGeneratedCert makes a resolver certificate the one served when no name matches', async (t) => {
  const webPort = (await pebbleReady)!;
  const gateway = await startTestGateway({
    static: {
      entryPoints: { web: { address: `127.0.0.1:${webPort}` }, websecure: { address: '127.0.0.1:0', http: { tls: {} } } },
      certificatesResolvers: {
        le: { acme: { email: 'ops@app.test', storage: path.join(storageDir, 'default-generated.json'), caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], httpChallenge: { entryPoint: 'web' } } },
      },
    },
  });
  t.teardown(() => gateway.close());
  const peerFor = (servername?: string) =>
    new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: gateway.port('websecure'), ...(servername && { servername }), rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
  t.match((await peerFor('nothing.app.test')).subjectaltname ?? '', /\.invalid/, 'before the order, the generated certificate is the default');
  await gateway.writeDynamic('tls.yaml', { tls: { stores: { default: { defaultGeneratedCert: { resolver: 'le', domain: { main: 'fallback.app.test', sans: ['alt.app.test'] } } } } } });
  await waitForAcmeCertificate(gateway.gateway.acme!, 'fallback.app.test');
  for (const servername of ['nothing.app.test', undefined]) {
    const peer = await peerFor(servername);
    t.match(peer.subjectaltname ?? '', /DNS:fallback\.app\.test/, `a handshake ${servername ? `for ${servername}` : 'without SNI'} gets the resolver's certificate`);
    t.match(peer.subjectaltname ?? '', /DNS:alt\.app\.test/);
    t.match(String(peer.issuer.CN ?? ''), /Pebble Intermediate/);
  }
});
