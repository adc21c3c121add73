import t from 'tap';
import http from 'node:http';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { preparePebble, startHttpreqBridge, waitForAcmeCertificate } from '../helpers/pebble.js';

// Pebble issues 24-second certificates here, so renewal (a third of the lifetime before expiry) happens within the test.
const pebble = await preparePebble();
await pebble.start({ validitySeconds: 24 });
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-renew-'));
const bridge = await startHttpreqBridge(pebble.challtestsrv);
t.teardown(async () => {
  await bridge.close();
  await pebble.close();
  await rm(dir, { recursive: true, force: true });
});

const staticFor = (storage: string, extra: Record<string, unknown> = {}) => ({
  certificatesResolvers: {
    dns: {
      acme: {
        email: 'ops@app.test', storage, caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile],
        dnsChallenge: { provider: 'httpreq', resolvers: [pebble.dnsServer] }, ...extra,
      },
    },
  },
});
const dynamic = (host: string) => ({
  http: {
    routers: { app: { rule: `Host(\`${host}\`)`, service: 'app', tls: { certResolver: 'dns' } } },
    services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
  },
});

t.test('a certificate is renewed when a third of its lifetime remains and the stored one is replaced', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const storage = path.join(dir, 'renew.json');
  const gw = await startTestGateway({ static: staticFor(storage) });
  t.teardown(() => gw.close());
  const acme = gw.gateway.acme!;
  await gw.writeDynamic('app.yaml', dynamic('renew.app.test'));
  const first = new X509Certificate(await waitForAcmeCertificate(acme, 'renew.app.test'));
  const lifetime = Date.parse(first.validTo) - Date.parse(first.validFrom);
  const second = new X509Certificate(await waitForAcmeCertificate(acme, 'renew.app.test', (pem) => new X509Certificate(pem).serialNumber !== first.serialNumber, 40_000));
  const renewedAt = Date.now();
  t.ok(renewedAt >= Date.parse(first.validTo) - lifetime / 3 - 1000, 'not renewed before a third of the lifetime remained');
  t.ok(renewedAt < Date.parse(first.validTo), 'renewed before expiry');
  t.ok(Date.parse(second.validTo) > Date.parse(first.validTo));
  const stored = JSON.parse(await readFile(storage, 'utf8')) as { dns: { Certificates: Array<{ certificate: string }> } };
  t.equal(stored.dns.Certificates.length, 1, 'the renewed certificate replaces the old one in storage');
  t.equal(new X509Certificate(Buffer.from(stored.dns.Certificates[0]!.certificate, 'base64').toString()).serialNumber, second.serialNumber);
});

t.test('a failed order is retried with backoff and succeeds once the DNS provider works', async (t) => {
  let failuresLeft = 2;
  const attempts: number[] = [];
  const flaky = http.createServer((req, res) => {
    if (req.url === '/present') attempts.push(Date.now());
    if (req.url === '/present' && failuresLeft > 0) {
      failuresLeft--;
      req.resume();
      return void res.writeHead(500).end();
    }
    // Forward to the real bridge once healthy.
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const r = await fetch(`${bridge.endpoint}${req.url}`, { method: 'POST', body });
      res.writeHead(r.status).end();
    });
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => flaky.close(() => resolve())));
  process.env.HTTPREQ_ENDPOINT = `http://127.0.0.1:${(flaky.address() as { port: number }).port}`;
  const gw = await startTestGateway({ static: staticFor(path.join(dir, 'retry.json'), { throttle: { retryInitialDelay: '300ms', retryMaxDelay: '5s' } }) });
  t.teardown(() => gw.close());
  await gw.writeDynamic('app.yaml', dynamic('retry.app.test'));
  await waitForAcmeCertificate(gw.gateway.acme!, 'retry.app.test');
  t.equal(attempts.length, 3, 'two failures, then success');
  const gaps = [attempts[1]! - attempts[0]!, attempts[2]! - attempts[1]!];
  t.ok(gaps[0]! >= 250, `first retry waited ${gaps[0]} ms`);
  t.ok(gaps[1]! >= 550, `second retry waited about twice as long (${gaps[1]} ms)`);
});
