import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { createConnection, loadKubeModule, podNamespace } from '../../../providers/kubernetes-ingress/client.js';

const k8s = await loadKubeModule();

t.test('the connection mode is chosen in a fixed order', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-kubeconfig-'));
  const kubeconfig = path.join(dir, 'config');
  await writeFile(
    kubeconfig,
    ['apiVersion: v1', 'kind: Config', 'current-context: c', 'clusters: [{name: k, cluster: {server: "https://file.example:6443"}}]', 'users: [{name: u, user: {token: abc}}]', 'contexts: [{name: c, context: {cluster: k, user: u}}]'].join('\n'),
  );
  const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const cases = [
    { name: 'the kubeconfig option wins over everything', options: { kubeconfig, endpoint: 'https://x:1' }, env: inCluster, mode: 'kubeconfig', server: 'https://file.example:6443' },
    { name: 'in a cluster the service account is used', options: {}, env: inCluster, mode: 'in-cluster', server: 'https://10.96.0.1:443' },
    { name: 'in a cluster endpoint replaces the service host', options: { endpoint: 'https://api.internal:6443' }, env: inCluster, mode: 'in-cluster', server: 'https://api.internal:6443' },
    { name: 'outside a cluster endpoint is used with token and CA', options: { endpoint: 'https://api.example:6443', token: 't' }, env: {}, mode: 'endpoint', server: 'https://api.example:6443' },
    { name: 'KUBECONFIG is the last resort', options: {}, env: { KUBECONFIG: kubeconfig }, mode: 'kubeconfig', server: 'https://file.example:6443' },
  ];
  for (const c of cases) {
    const connection = createConnection(k8s, c.options, c.env);
    t.equal(`${connection.mode} ${connection.server}`, `${c.mode} ${c.server}`, c.name);
  }
  const withToken = createConnection(k8s, { endpoint: 'https://api.example:6443', token: 'secret-token' }, {});
  t.equal(withToken.kc.getCurrentUser()?.token, 'secret-token', 'the token option is the bearer token');
  const plain = createConnection(k8s, { endpoint: 'http://127.0.0.1:8001' }, {});
  t.equal(plain.kc.getCurrentCluster()?.skipTLSVerify, true, 'a plain http endpoint (kubectl proxy) is allowed');
  t.throws(() => createConnection(k8s, {}, {}), /no API server/, 'nothing configured is an error naming the options');
});

t.test('the pod namespace comes from POD_NAMESPACE, else default', async (t) => {
  t.equal(podNamespace({ POD_NAMESPACE: 'edge' }), 'edge');
  t.equal(podNamespace({}), 'default');
});
