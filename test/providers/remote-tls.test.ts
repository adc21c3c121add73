import { Redis } from 'ioredis';
import t from 'tap';
import { createTestCA } from '../helpers/certs.js';
import { startConsulFake } from '../helpers/consul-fake.js';
import { startEtcdServer } from '../helpers/etcd-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { get, startNamedBackend, untilRouted, untilState } from '../helpers/kv-gateway.js';

// Every remote store the KV providers read is reached over mutual TLS here: the store requires a
// client certificate from the test CA, the provider verifies the store against the same CA.
const pki = createTestCA();
const server = pki.issue(['127.0.0.1', 'localhost']);
const client = pki.issue(['switchyard'], { client: true });
const stranger = createTestCA().ca;

interface Store {
  provider: 'etcd' | 'redis' | 'consul';
  endpoint: string;
  put(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

async function etcdStore(): Promise<Store> {
  const etcd = await startEtcdServer({ tls: { certFile: server.certFile, keyFile: server.keyFile, caFile: pki.ca.certFile, client: { certFile: client.certFile, keyFile: client.keyFile } } });
  return { provider: 'etcd', endpoint: etcd.endpoint, put: async (key, value) => void (await etcd.etcdctl(['put', key, value])), close: () => etcd.close() };
}

async function redisStore(): Promise<Store> {
  const redis = await startRedisServer({ tls: { certFile: server.certFile, keyFile: server.keyFile, caFile: pki.ca.certFile, requireClientCert: true } });
  const writer = new Redis({ host: '127.0.0.1', port: redis.port, tls: { ca: pki.ca.cert, cert: client.cert, key: client.key } });
  writer.on('error', () => undefined);
  return {
    provider: 'redis',
    endpoint: redis.endpoint,
    put: async (key, value) => void (await writer.set(key, value)),
    close: async () => {
      writer.disconnect();
      await redis.close();
    },
  };
}

async function consulStore(): Promise<Store> {
  const consul = await startConsulFake({ tls: { cert: server.cert, key: server.key, ca: pki.ca.cert } });
  return { provider: 'consul', endpoint: consul.address, put: async (key, value) => consul.putKv(key, value), close: () => consul.close() };
}

const stores = [
  { name: 'etcd', start: etcdStore },
  { name: 'Redis', start: redisStore },
  { name: 'Consul', start: consulStore },
];

for (const s of stores) {
  t.test(`${s.name} over mutual TLS: a verified store is read, an unverifiable one is an error naming TLS`, async (t) => {
    const store = await s.start();
    t.teardown(() => store.close());
    const backend = await startNamedBackend('tls-kv');
    t.teardown(() => backend.close());
    await store.put('traefik/http/routers/app/rule', 'Host(`tls.test`)');
    await store.put('traefik/http/routers/app/service', 'app');
    await store.put('traefik/http/services/app/loadbalancer/servers/0/url', backend.url);

    const good = await startTestGateway({ static: { providers: { [store.provider]: { endpoints: [store.endpoint], tls: { ca: pki.ca.certFile, cert: client.certFile, key: client.keyFile } } } }, waitForFirst: false });
    t.teardown(() => good.close());
    await untilRouted(good, async () => (await get(good, 'tls.test')).body === 'tls-kv');
    t.pass('the router stored behind TLS is routed');

    // Trusting another CA must fail the handshake, and say so, rather than fall back to plain text.
    const wrong = await startTestGateway({ static: { providers: { [store.provider]: { endpoints: [store.endpoint], tls: { ca: stranger.certFile, cert: client.certFile, key: client.keyFile } } } }, waitForFirst: false });
    t.teardown(() => wrong.close());
    await untilState(wrong, (state) => state?.connected === false && typeof state.lastError === 'string' && state.lastError.length > 0, store.provider);
    const state = wrong.gateway.view.providerStates()[store.provider] as unknown as { lastError: string };
    t.match(state.lastError, /certificate|verify|self.signed|issuer|TLS|SSL/i, `the error says why: ${state.lastError}`);
    t.equal((await get(wrong, 'tls.test')).status, 404, 'nothing is routed from a store that could not be verified');
  });
}
