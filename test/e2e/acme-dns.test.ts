import t from 'tap';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { preparePebble, startHttpreqBridge, waitForAcmeCertificate, httpsGet } from '../helpers/pebble.js';
import { startBackend } from '../helpers/backends.js';

// DNS-01 against a real Pebble whose DNS is pebble-challtestsrv: the httpreq provider posts to a bridge
// that sets the TXT record through challtestsrv's management API; the exec provider runs a script that does.
const pebble = await preparePebble();
await pebble.start({});
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-dns-'));
const bridge = await startHttpreqBridge(pebble.challtestsrv);
const backend = await startBackend((req, res) => res.end(`backend saw ${req.headers.host}`));
t.teardown(async () => {
  await backend.close();
  await bridge.close();
  await pebble.close();
  await rm(dir, { recursive: true, force: true });
});

const resolver = (name: string, provider: string, storage: string) => ({
  entryPoints: { websecure: { address: '127.0.0.1:0', http: { tls: {} } } },
  certificatesResolvers: {
    [name]: {
      acme: {
        email: 'ops@app.test', storage, caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile],
        dnsChallenge: { provider, resolvers: [pebble.dnsServer], propagation: { delayBeforeChecks: '0s' } },
      },
    },
  },
});
const dynamic = (resolverName: string, domains: Array<{ main: string; sans?: string[] }>) => ({
  http: {
    routers: { app: { rule: 'PathPrefix(`/`)', entryPoints: ['websecure'], service: 'app', tls: { certResolver: resolverName, domains } } },
    services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
  },
});

t.test('httpreq: a wildcard certificate is obtained over DNS-01 and verifies against pebble\'s root', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const gw = await startTestGateway({ static: resolver('dns', 'httpreq', path.join(dir, 'httpreq.json')) });
  t.teardown(() => gw.close());
  const acme = gw.gateway.acme!;
  await gw.writeDynamic('app.yaml', dynamic('dns', [{ main: '*.wild.app.test', sans: ['wild.app.test'] }]));
  const cert = await waitForAcmeCertificate(acme, '*.wild.app.test');
  t.match(new X509Certificate(cert).subjectAltName, /DNS:\*\.wild\.app\.test/);
  t.ok(bridge.calls.includes('/present _acme-challenge.wild.app.test.'), 'present was posted with the record name');
  t.ok(bridge.calls.includes('/cleanup _acme-challenge.wild.app.test.'), 'cleanup was posted after the order');

  const answer = await httpsGet(gw.port('websecure'), 'any.wild.app.test', await pebble.root());
  t.equal(answer.body, 'backend saw any.wild.app.test', 'the wildcard certificate is served for a name under it');
});

t.test('exec: the user command gets present/cleanup with the record name and value', async (t) => {
  const script = path.join(dir, 'dns-hook.mjs');
  const trace = path.join(dir, 'exec-trace.txt');
  await writeFile(
    script,
    `#!${process.execPath}\nimport { appendFileSync } from 'node:fs';\nconst [action, fqdn, value] = process.argv.slice(2);\nappendFileSync(${JSON.stringify(trace)}, action + ' ' + fqdn + '\\n');\n` +
      `const r = await fetch(${JSON.stringify(pebble.challtestsrv)} + (action === 'present' ? '/set-txt' : '/clear-txt'), { method: 'POST', body: JSON.stringify({ host: fqdn, value }) });\nprocess.exit(r.ok ? 0 : 1);\n`,
  );
  await chmod(script, 0o755);
  process.env.EXEC_PATH = script;
  const gw = await startTestGateway({ static: resolver('hook', 'exec', path.join(dir, 'exec.json')) });
  t.teardown(() => gw.close());
  await gw.writeDynamic('app.yaml', dynamic('hook', [{ main: 'exec.app.test' }]));
  await waitForAcmeCertificate(gw.gateway.acme!, 'exec.app.test');
  t.same((await readFile(trace, 'utf8')).trim().split('\n'), ['present _acme-challenge.exec.app.test.', 'cleanup _acme-challenge.exec.app.test.']);
});

t.test('two gateways sharing one storage file order a certificate once', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const shared = path.join(dir, 'shared.json');
  const [a, b] = await Promise.all([startTestGateway({ static: resolver('dns', 'httpreq', shared) }), startTestGateway({ static: resolver('dns', 'httpreq', shared) })]);
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const presentsBefore = bridge.calls.filter((c) => c.startsWith('/present')).length;
  await Promise.all([a.writeDynamic('app.yaml', dynamic('dns', [{ main: 'shared.app.test' }])), b.writeDynamic('app.yaml', dynamic('dns', [{ main: 'shared.app.test' }]))]);
  const [certA, certB] = await Promise.all([waitForAcmeCertificate(a.gateway.acme!, 'shared.app.test'), waitForAcmeCertificate(b.gateway.acme!, 'shared.app.test')]);
  await Promise.all([a.gateway.acme!.resolvers[0]!.idle(), b.gateway.acme!.resolvers[0]!.idle()]);
  t.equal(certA, certB, 'both serve the same certificate');
  t.equal(a.gateway.acme!.resolvers[0]!.ordersPlaced() + b.gateway.acme!.resolvers[0]!.ordersPlaced(), 1, 'one order between them');
  t.equal(bridge.calls.filter((c) => c.startsWith('/present')).length - presentsBefore, 1, 'one DNS challenge published');
  const stored = JSON.parse(await readFile(shared, 'utf8')) as { dns: { Certificates: unknown[] } };
  t.equal(stored.dns.Certificates.length, 1);
});

t.test('a wildcard without a dnsChallenge is not ordered', async (t) => {
  const gw = await startTestGateway({
    static: { certificatesResolvers: { web: { acme: { email: 'x@app.test', storage: path.join(dir, 'nowild.json'), caServer: pebble.directoryUrl, caCertificates: [pebble.apiCertFile], httpChallenge: { entryPoint: 'web' } } } } },
  });
  t.teardown(() => gw.close());
  await gw.writeDynamic('app.yaml', dynamic('web', [{ main: '*.nope.app.test' }]));
  await gw.gateway.acme!.resolvers[0]!.idle();
  t.same(gw.gateway.acme!.certificates(), []);
  t.equal(gw.gateway.acme!.resolvers[0]!.ordersPlaced(), 0);
});

t.test('a batch of new hosts is throttled: no more orders start per minute than allowed', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const base = resolver('dns', 'httpreq', path.join(dir, 'batch.json'));
  (base.certificatesResolvers.dns.acme as Record<string, unknown>).throttle = { maxConcurrent: 1, perMinute: 2 };
  const gw = await startTestGateway({ static: base });
  t.teardown(() => gw.close());
  const hosts = ['b1', 'b2', 'b3', 'b4', 'b5'].map((h) => `${h}.batch.app.test`);
  await gw.writeDynamic('app.yaml', {
    http: {
      routers: { app: { rule: hosts.map((h) => `Host(\`${h}\`)`).join(' || '), service: 'app', tls: { certResolver: 'dns' } } },
      services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
    },
  });
  const resolverState = gw.gateway.acme!.resolvers[0]!;
  t.same(resolverState.queued(), { waiting: 4, running: 1 }, 'one order at a time');
  await Promise.all(hosts.slice(0, 2).map((h) => waitForAcmeCertificate(gw.gateway.acme!, h)));
  // Proving that nothing else starts needs some time to pass; an order here takes ~100 ms, so 1.5 s is ample.
  await new Promise((r) => setTimeout(r, 1500));
  t.same(resolverState.queued(), { waiting: 3, running: 0 }, 'the third order waits for the next minute');
  t.equal(gw.gateway.acme!.certificates().length, 2);
});
