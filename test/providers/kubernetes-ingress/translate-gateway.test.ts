import type { V1EndpointSlice, V1Ingress, V1Service } from '@kubernetes/client-node';
import t from 'tap';
import { request } from 'undici';
import { translate } from '../../../providers/kubernetes-ingress/translate/index.js';
import { startBackend, type Backend } from '../../helpers/backends.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';

// The translation's output served by a real gateway to real backends: the rules, names and weights it writes mean
// what the fixtures say once the core compiles them.
const service = (name: string): V1Service => ({ metadata: { name, namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80 }] } });
const slice = (svc: string, backend: Backend): V1EndpointSlice => ({
  metadata: { name: `${svc}-${backend.port}`, namespace: 'shop', labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: backend.port }],
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
});
const ingress: V1Ingress = {
  metadata: { name: 'api', namespace: 'shop', annotations: { 'switchyard.io/service.weights': 'api-v2:20' } },
  spec: {
    rules: [
      {
        host: '*.shop.test',
        http: { paths: [{ path: '/v1/', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } }] },
      },
    ],
  },
};

t.test('a translated Ingress routes element-wise prefixes, wildcard hosts and canary weights through the gateway', async (t) => {
  const stable = await startBackend((_req, res) => res.end('stable'));
  const canary = await startBackend((_req, res) => res.end('canary'));
  const result = translate(
    { ingresses: [ingress], ingressClasses: [], services: [service('api'), service('api-v2')], endpointSlices: [slice('api', stable), slice('api-v2', canary)], secrets: [] },
    { allowEmptyServices: false, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: true },
  );
  t.same(result.errors, []);
  const gw = await startTestGateway({ dynamic: { 'kubernetes.yaml': result.config } });
  t.teardown(async () => {
    await gw.close();
    await stable.close();
    await canary.close();
  });
  const get = async (host: string, path: string) => {
    const res = await request(gw.url(path), { headers: { host } });
    return { status: res.statusCode, body: await res.body.text() };
  };
  const counts: Record<string, number> = {};
  for (let i = 0; i < 100; i++) {
    const { status, body } = await get('eu.shop.test', i % 2 ? '/v1' : '/v1/items');
    t.equal(status, 200);
    counts[body] = (counts[body] ?? 0) + 1;
  }
  // Smooth weighted round-robin is exact over whole cycles; a margin keeps the check about the split, not the algorithm.
  t.ok(counts.canary! >= 15 && counts.canary! <= 25, `the canary takes about 20% (${JSON.stringify(counts)})`);
  t.equal((await get('eu.shop.test', '/v11')).status, 404, '/v11 is not under the prefix /v1');
  t.equal((await get('shop.test', '/v1')).status, 404, 'the wildcard does not match the bare domain');
  t.equal((await get('a.eu.shop.test', '/v1')).status, 404, 'the wildcard matches one label only');
});
