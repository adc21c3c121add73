import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { preparePebble, startHttpreqBridge, waitForAcmeCertificate } from '../helpers/pebble.js';

// A CA that requires external account binding (as ZeroSSL and commercial CAs do): pebble with MAC keys.
const hmac = randomBytes(32).toString('base64url');
const pebble = await preparePebble();
await pebble.start({ eab: { 'kid-1': hmac } });
const bridge = await startHttpreqBridge(pebble.challtestsrv);
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-eab-'));
t.teardown(async () => {
  await bridge.close();
  await pebble.close();
  await rm(dir, { recursive: true, force: true });
});

const gatewayWith = (eab: Record<string, string> | undefined, storage: string) =>
  startTestGateway({
    static: {
      certificatesResolvers: {
        dns: {
          acme: {
            email: 'ops@app.test', storage: path.join(dir, storage), caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile],
            dnsChallenge: { provider: 'httpreq', resolvers: [pebble.dnsServer] }, ...(eab && { eab }), throttle: { retryInitialDelay: '1h' },
          },
        },
      },
    },
  });
const dynamic = {
  http: {
    routers: { app: { rule: 'Host(`eab.app.test`)', service: 'app', tls: { certResolver: 'dns' } } },
    services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
  },
};

t.test('with eab.kid and eab.hmacEncoded the account is bound and the certificate issued', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const gw = await gatewayWith({ kid: 'kid-1', hmacEncoded: hmac }, 'bound.json');
  t.teardown(() => gw.close());
  await gw.writeDynamic('app.yaml', dynamic);
  await waitForAcmeCertificate(gw.gateway.acme!, 'eab.app.test');
  t.pass('issued');
});

t.test('without eab the CA refuses the account and nothing is issued', async (t) => {
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const gw = await gatewayWith(undefined, 'unbound.json');
  t.teardown(() => gw.close());
  await gw.writeDynamic('app.yaml', dynamic);
  await gw.gateway.acme!.resolvers[0]!.idle();
  t.same(gw.gateway.acme!.certificates(), []);
  t.equal(gw.gateway.acme!.resolvers[0]!.ordersPlaced(), 0);
});
