import t from 'tap';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { STATUS_LEASE_NAME } from '../../providers/kubernetes-ingress/index.js';
import { freePort } from '../helpers/free-port.js';
import { startKubeFake, type ResourceDef } from '../helpers/kube-fake/index.js';
import { kubectlPath } from '../helpers/kube-fake/kubectl.js';
import { spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';
import { grantedBy, requestAttributes, usedByProvider, type Grant, type Rule } from '../helpers/kubernetes-rbac.js';

// The shipped Kubernetes manifests (examples/kubernetes) and Helm chart (deploy/helm/switchyard):
// parsed, RBAC compared with what the provider calls, probes compared with the static config, and
// the whole set applied with kubectl to the fake API server with a real gateway serving the sample Ingress.

// kubectl, a fake API server and a gateway process that compiles its TypeScript at start: slow on a busy machine.
t.setTimeout(300_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples/kubernetes');
const CHART = path.join(ROOT, 'deploy/helm/switchyard');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: any };

const files = (await readdir(EXAMPLE)).filter((f) => f.endsWith('.yaml')).sort();
const objects: Obj[] = [];
for (const file of files) {
  for (const doc of parseAllDocuments(await readFile(path.join(EXAMPLE, file), 'utf8'))) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Obj | null;
    if (value) objects.push(value);
  }
}
const find = (kind: string, name: string, namespace?: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} in examples/kubernetes`);
  return found;
};
const deployment = find('Deployment', 'switchyard', 'switchyard');
const container = deployment.spec.template.spec.containers[0];
const staticConfig = parse(find('ConfigMap', 'switchyard', 'switchyard').data['switchyard.yaml']) as Record<string, any>;
const portOf = (address: string) => Number(/:(\d+)$/.exec(address)![1]);
const rulesOf = (kind: string, name: string, namespace?: string) => find(kind, name, namespace).rules as Rule[];

t.test('every manifest parses and names its kind, apiVersion and name', async (t) => {
  t.ok(files.length >= 6, `${files.length} files`);
  for (const o of objects) t.ok(o.apiVersion && o.kind && o.metadata?.name, `${o.kind} ${o.metadata?.name}`);
  const kinds = new Set(objects.map((o) => o.kind));
  for (const kind of ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'IngressClass', 'ConfigMap', 'Deployment', 'Service', 'Ingress']) t.ok(kinds.has(kind), `has a ${kind}`);
  t.equal(find('IngressClass', 'switchyard').spec.controller, 'switchyard.io/ingress-controller');
  t.equal(deployment.spec.replicas, 2);
});

t.test('the RBAC rules grant exactly what the provider calls, and the status Lease by name', async (t) => {
  const used = await usedByProvider(path.join(ROOT, 'providers/kubernetes-ingress'));
  t.ok(used.size >= 8, `${used.size} (group, resource, verb) found in the provider's source`);
  const granted = new Set<string>([...grantedBy(rulesOf('ClusterRole', 'switchyard')), ...grantedBy(rulesOf('Role', 'switchyard', 'switchyard'))].map((g) => g.key));
  t.same([...granted].sort(), [...used].sort(), 'granted = used');
  const named = rulesOf('Role', 'switchyard', 'switchyard').filter((r) => r.resourceNames);
  t.same(named.flatMap((r) => r.resourceNames), [STATUS_LEASE_NAME], 'get and update are limited to the status Lease');
  const binding = find('ClusterRoleBinding', 'switchyard');
  t.same(binding.subjects, [{ kind: 'ServiceAccount', name: 'switchyard', namespace: 'switchyard' }]);
  t.equal(deployment.spec.template.spec.serviceAccountName, 'switchyard');
});

t.test('probes, ports and graceful termination match the static configuration', async (t) => {
  const ports = Object.fromEntries(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
  for (const ep of ['web', 'websecure', 'switchyard']) t.equal(ports[ep], portOf(staticConfig.entryPoints[ep].address), `container port ${ep} is the entry point's`);
  t.ok(staticConfig.ping, 'ping is on, so /ping exists');
  t.same([container.readinessProbe.httpGet.path, container.readinessProbe.httpGet.port], ['/ready', 'switchyard']);
  t.same([container.livenessProbe.httpGet.path, container.livenessProbe.httpGet.port], ['/ping', 'switchyard']);
  const service = find('Service', 'switchyard', 'switchyard');
  for (const p of service.spec.ports) t.ok(ports[p.targetPort], `Service port ${p.port} targets a named container port`);
  const preStop = Number(container.lifecycle.preStop.exec.command.at(-1));
  const drain = Math.max(...Object.values(staticConfig.entryPoints as Record<string, any>).map((ep) => parseSeconds(ep.transport?.lifeCycle?.graceTimeOut ?? '10s') + parseSeconds(ep.transport?.lifeCycle?.requestAcceptGraceTimeout ?? '0s')));
  t.ok(deployment.spec.template.spec.terminationGracePeriodSeconds > preStop + drain, `terminationGracePeriodSeconds > preStop ${preStop}s + drain ${drain}s`);
  t.equal(staticConfig.providers.kubernetesIngress.ingressEndpoint.publishedService, 'switchyard/switchyard', 'status publishes the gateway Service');
  const security = container.securityContext;
  t.same([security.readOnlyRootFilesystem, security.allowPrivilegeEscalation, deployment.spec.template.spec.securityContext.runAsNonRoot], [true, false, true]);
  t.ok(container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp'), 'the only writable mount is /tmp (besides the read-only config)');
});

t.test('the Helm chart parses, references only defined values and grants the same rules', async (t) => {
  const chart = parse(await readFile(path.join(CHART, 'Chart.yaml'), 'utf8'));
  t.equal(chart.apiVersion, 'v2');
  const values = parse(await readFile(path.join(CHART, 'values.yaml'), 'utf8'));
  const templates = (await readdir(path.join(CHART, 'templates'))).sort();
  t.ok(templates.includes('deployment.yaml') && templates.includes('rbac.yaml') && templates.includes('configmap.yaml'));
  for (const file of templates) {
    const text = await readFile(path.join(CHART, 'templates', file), 'utf8');
    for (const [, ref] of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
      const found = ref!.split('.').reduce<any>((v, key) => (v === undefined ? undefined : v[key]), values);
      t.not(found, undefined, `${file}: .Values.${ref} is defined in values.yaml`);
    }
  }
  // Without helm here, compare the ClusterRole rules, which have no template directives.
  const rbac = (await readFile(path.join(CHART, 'templates/rbac.yaml'), 'utf8')).split('---')[0]!.replace(/^.*\{\{.*$/gm, '');
  t.same(parse(rbac).rules, rulesOf('ClusterRole', 'switchyard'), 'the chart ClusterRole is the example one');
});

const EXTRA_RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, shortNames: [], status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, shortNames: [], status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true, shortNames: [], status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true, shortNames: [], status: false },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], status: true },
];

t.test('applied with kubectl to the fake API server, the example serves the sample Ingress through a real gateway', async (t) => {
  const fake = await startKubeFake({ resources: EXTRA_RESOURCES });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-k8s-example-'));
  const backend = http.createServer((req, res) => res.end(`whoami ${req.headers.host} ${req.url}`));
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise((resolve) => backend.close(resolve));
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(kubectlPath(), ['--kubeconfig', fake.kubeconfigPath, '--cache-dir', path.join(dir, 'cache'), ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
  await kubectl('apply', '--validate=false', '-f', EXAMPLE);
  for (const o of objects) t.ok(fake.get(o.kind, o.metadata.namespace, o.metadata.name), `${o.kind} ${o.metadata.name} is stored`);

  // The sample Service's endpoints: a real local server standing in for the whoami pods.
  const ingress = find('Ingress', 'whoami', 'demo');
  const host = ingress.spec.rules[0].host as string;
  const backendPort = (backend.address() as { port: number }).port;
  fake.apply({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'whoami-abc12', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'whoami' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
  });

  // The ConfigMap's configuration as is, but for loopback ports, the fake's kubeconfig and no throttle.
  const config = structuredClone(staticConfig);
  const ports: Record<string, number> = {};
  for (const [name, ep] of Object.entries(config.entryPoints as Record<string, { address: string }>)) {
    ports[name] = await freePort();
    ep.address = `127.0.0.1:${ports[name]}`;
  }
  config.providers.kubernetesIngress.kubeconfig = fake.kubeconfigPath;
  config.providers.providersThrottleDuration = '0s';
  config.log = { level: 'ERROR' };
  await writeFile(path.join(dir, 'switchyard.yaml'), stringify(config));
  const fromGateway = fake.requests.length;
  // As the Deployment's downward API sets them.
  process.env.POD_NAMESPACE = 'switchyard';
  process.env.POD_NAME = 'switchyard-0';
  const gateway = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(() => void gateway.child.kill('SIGKILL'));

  const internal = `http://127.0.0.1:${ports.switchyard}`;
  await waitForStatus(`${internal}${container.readinessProbe.httpGet.path}`, 200, 90_000).catch((error) => {
    throw new Error(`${(error as Error).message}\n${gateway.output()}`);
  });
  t.pass('the readiness probe path answers 200 once the provider has synced');
  t.equal((await fetch(`${internal}${container.livenessProbe.httpGet.path}`)).status, 200, 'the liveness probe path answers 200');

  const deadline = Date.now() + 20_000;
  let answer: { status: number; body: string } | undefined;
  while (Date.now() < deadline) {
    answer = await getWithHost(ports.web!, host, '/hello').catch((error: Error) => ({ status: 0, body: error.message }));
    if (answer.status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(answer?.status, 200, `the sample Ingress's host is served: ${answer?.body}`);
  t.equal(answer?.body, `whoami ${host} /hello`);

  // Every call the running gateway made is allowed by the example RBAC for its service account.
  const grants: Grant[] = [...grantedBy(rulesOf('ClusterRole', 'switchyard')), ...grantedBy(rulesOf('Role', 'switchyard', 'switchyard'), 'switchyard')];
  const calls = fake.requests.slice(fromGateway);
  t.ok(calls.length > 0, `${calls.length} API calls by the gateway`);
  const denied = calls.map((r) => ({ r, a: requestAttributes(r) })).filter(({ a }) => a && !grants.some((g) => g.allows(a)));
  t.same(denied.map(({ r }) => `${r.method} ${r.path}?${r.query}`), [], 'no call is outside the RBAC rules');
});

function parseSeconds(value: string): number {
  const match = /^(\d+)(s|m)?$/.exec(value);
  if (!match) throw new Error(`unexpected duration ${value}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

function getWithHost(port: number, host: string, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
