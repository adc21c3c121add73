import t from 'tap';
import { startKubeFake } from '../../helpers/kube-fake/index.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { createTestCA } from '../../helpers/certs.js';
import { tlsGet } from '../../src/tls/tls-client.js';
import { endpointSlice, eventually, ingress, ingressClass, service, startPods, tlsSecret } from './fixtures.js';

// The provider imports client-node lazily; loading it here keeps its several seconds out of the tests' deadlines.
await import('@kubernetes/client-node');

t.test('a TLS Secret named by an Ingress is served on an HTTPS entry point', async (t) => {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  const [pod] = await startPods(1);
  t.teardown(() => pod!.close());
  const ca = createTestCA();
  const issued = ca.issue(['secure.test']);
  fake.apply(ingressClass('switchyard'));
  fake.apply(service('default', 'secure', pod!.port));
  fake.apply(endpointSlice('default', 'secure-1', 'secure', pod!.port, [pod!.ip]));
  fake.apply(tlsSecret('default', 'secure-tls', issued.cert, issued.key));
  fake.apply(
    ingress('default', 'secure', {
      host: 'secure.test',
      service: 'secure',
      port: 'http',
      className: 'switchyard',
      tls: { secretName: 'secure-tls' },
      annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure', 'traefik.ingress.kubernetes.io/router.tls': 'true' },
    }),
  );
  const gw = await startTestGateway({
    static: { entryPoints: { websecure: { address: '127.0.0.1:0' } }, providers: { kubernetesIngress: { kubeconfig: fake.kubeconfigPath } } },
  });
  t.teardown(() => gw.close());
  const result = await eventually('the Secret certificate served', async () => {
    const answer = await tlsGet(gw.port('websecure'), { servername: 'secure.test', ca: ca.ca.cert, rejectUnauthorized: true });
    return answer.servedCN === 'secure.test' && answer.status === 200 ? answer : undefined;
  });
  t.equal(result.body, pod!.ip, 'the request reached the pod over TLS');

  const renewed = ca.issue(['secure.test']);
  fake.apply(tlsSecret('default', 'secure-tls', renewed.cert, renewed.key));
  const before = result.fingerprint;
  await eventually('the renewed certificate served', async () => {
    const answer = await tlsGet(gw.port('websecure'), { servername: 'secure.test', ca: ca.ca.cert, rejectUnauthorized: true });
    return answer.fingerprint !== before && answer.servedCN === 'secure.test';
  });
  t.pass('a Secret update replaces the certificate');
});
