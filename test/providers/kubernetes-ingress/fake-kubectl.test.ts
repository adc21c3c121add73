import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { startKubeFake, type KubeObject } from '../../helpers/kube-fake/index.js';
import { kubectlPath } from '../../helpers/kube-fake/kubectl.js';
import { until } from '../../helpers/provider-checks.js';

// Checks the fake apiserver's fidelity with kubectl (Go client-go), a client written independently of
// @kubernetes/client-node: discovery, server-side Tables, selectors, create/apply/patch/delete, errors and watch.

const kubectlBin = kubectlPath();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function setup(t: Test) {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  // A fresh cache dir per fake, so cached discovery never leaks between runs.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-kubectl-'));
  const base = ['--kubeconfig', fake.kubeconfigPath, '--cache-dir', path.join(dir, 'cache')];
  const kubectl = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(kubectlBin, [...base, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  const file = (name: string, obj: unknown) => {
    const p = path.join(dir, name);
    writeFileSync(p, JSON.stringify(obj));
    return p;
  };
  return { fake, kubectl, file, base };
}

const ingress = (namespace: string, name: string, labels: Record<string, string> = {}, className = 'switchyard'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace, labels },
  spec: { ingressClassName: className, rules: [{ host: `${name}.example`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] },
});
const service = (name: string, ports: number[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ports: ports.map((port) => ({ name: `p${port}`, port })) },
});

// Splits table output into rows of cells.
const rows = (out: string) => out.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));

t.test('kubectl reads the server version and discovers the resources', async (t) => {
  const { kubectl } = await setup(t);
  const version = await kubectl('version', '-o', 'json');
  t.equal(version.code, 0, 'kubectl version', { stderr: version.stderr });
  t.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.30.0', 'server version');
  const resources = await kubectl('api-resources', '--no-headers');
  t.equal(resources.code, 0, 'kubectl api-resources', { stderr: resources.stderr });
  const table = rows(resources.stdout).map((r) => r.join(' '));
  for (const line of [
    'ingresses ing networking.k8s.io/v1 true Ingress',
    'ingressclasses networking.k8s.io/v1 false IngressClass',
    'services svc v1 true Service',
    'endpointslices discovery.k8s.io/v1 true EndpointSlice',
    'endpoints ep v1 true Endpoints',
    'secrets v1 true Secret',
    'namespaces ns v1 false Namespace',
    'nodes no v1 false Node',
    'leases coordination.k8s.io/v1 true Lease',
  ]) {
    t.ok(table.includes(line), `api-resources lists "${line}"`);
  }
});

t.test('kubectl get prints the server-side Tables, with label and field selectors', async (t) => {
  const { fake, kubectl } = await setup(t);
  fake.apply(ingress('default', 'web', { app: 'web', tier: 'front' }));
  fake.apply(ingress('default', 'api', { app: 'api', tier: 'back' }, 'other'));
  fake.apply(ingress('prod', 'shop', { app: 'web' }));
  fake.applyStatus({ ...ingress('default', 'web'), status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } } });
  fake.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'switchyard' }, spec: { controller: 'switchyard.io/ingress-controller' } });
  fake.apply(service('web', [80, 443]));
  const cases: Array<{ args: string[]; want: string[][] }> = [
    { args: ['get', 'ingress'], want: [['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['api', 'other', 'api.example', '80'], ['web', 'switchyard', 'web.example', '192.0.2.7', '80']] },
    { args: ['get', 'ingress', '-A'], want: [['NAMESPACE', 'NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['default', 'api'], ['default', 'web'], ['prod', 'shop']] },
    { args: ['get', 'ing', '-A', '-l', 'app=web'], want: [['NAMESPACE', 'NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['default', 'web'], ['prod', 'shop']] },
    { args: ['get', 'ing', '-l', 'tier in (back)'], want: [['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['api']] },
    { args: ['get', 'ing', '-A', '-l', '!tier'], want: [['NAMESPACE', 'NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], ['prod', 'shop']] },
    { args: ['get', 'ing', '-n', 'prod', '--field-selector', 'metadata.name=shop', '-o', 'name'], want: [['ingress.networking.k8s.io/shop']] },
    { args: ['get', 'ingressclass'], want: [['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'], ['switchyard', 'switchyard.io/ingress-controller', '<none>']] },
    { args: ['get', 'svc', 'web'], want: [['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['web', 'ClusterIP']] },
    { args: ['get', 'svc', 'web', '-o', 'wide'], want: [['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'], ['web', 'ClusterIP']] },
    { args: ['get', 'ns'], want: [['NAME', 'STATUS', 'AGE'], ['default', 'Active'], ['kube-system', 'Active']] },
    { args: ['get', 'ingress', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'], want: [['192.0.2.7']] },
  ];
  for (const c of cases) {
    const run = await kubectl(...c.args);
    t.equal(run.code, 0, `kubectl ${c.args.join(' ')}: exit code`, { stderr: run.stderr });
    const got = rows(run.stdout);
    t.equal(got.length, c.want.length, `kubectl ${c.args.join(' ')}: ${c.want.length} lines`, { stdout: run.stdout });
    c.want.forEach((cells, i) => t.same(got[i]?.slice(0, cells.length), cells, `kubectl ${c.args.join(' ')}: line ${i + 1}`));
  }
  const svcRow = rows((await kubectl('get', 'svc', 'web', '--no-headers')).stdout)[0]!;
  t.equal(svcRow[4], '80/TCP,443/TCP', 'the PORT(S) cell');
  t.ok(fake.requests.some((q) => q.path === '/apis/networking.k8s.io/v1/ingresses' && q.query === 'limit=500'), 'kubectl lists with limit=500');
});

t.test('kubectl get -o json returns the stored objects', async (t) => {
  const { fake, kubectl } = await setup(t);
  const stored = fake.apply(ingress('default', 'web', { app: 'web' }));
  const one = await kubectl('get', 'ingress', 'web', '-o', 'json');
  t.same(JSON.parse(one.stdout), stored, 'one object, exactly as stored');
  const list = JSON.parse((await kubectl('get', 'ingress', '-A', '-o', 'json')).stdout);
  t.equal(list.kind, 'List', 'kubectl wraps the items in a List');
  t.same(list.items, [stored], 'the list items (kubectl puts kind and apiVersion back)');
});

t.test('kubectl create, apply, annotate, label, patch and delete change what the fake stores', async (t) => {
  const { fake, kubectl, file } = await setup(t);
  const web = file('ingress.json', ingress('default', 'web'));
  const svc1 = file('svc1.json', service('web', [80]));
  const svc2 = file('svc2.json', service('web', [80, 443]));
  const steps: Array<{ args: string[]; code?: number; out: RegExp; check?: () => unknown; want?: unknown }> = [
    { args: ['create', '--validate=false', '-f', web], out: /^ingress\.networking\.k8s\.io\/web created$/, check: () => fake.get('Ingress', 'default', 'web')?.metadata.name, want: 'web' },
    { args: ['create', '--validate=false', '-f', web], code: 1, out: /^Error from server \(AlreadyExists\).*ingresses\.networking\.k8s\.io "web" already exists$/ },
    { args: ['apply', '--validate=false', '-f', svc1], out: /^service\/web created$/, check: () => fake.get('Service', 'default', 'web')?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined, want: true },
    { args: ['apply', '--validate=false', '-f', svc1], out: /^service\/web unchanged$/ },
    { args: ['apply', '--validate=false', '-f', svc2], out: /^service\/web configured$/, check: () => (fake.get('Service', 'default', 'web')?.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port), want: [80, 443] },
    { args: ['apply', '--validate=false', '-f', svc1], out: /^service\/web configured$/, check: () => (fake.get('Service', 'default', 'web')?.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port), want: [80] },
    { args: ['annotate', 'ingress', 'web', 'team=edge'], out: /^ingress\.networking\.k8s\.io\/web annotated$/, check: () => fake.get('Ingress', 'default', 'web')?.metadata.annotations, want: { team: 'edge' } },
    { args: ['label', 'ingress', 'web', 'tier=front', 'app=web'], out: /^ingress\.networking\.k8s\.io\/web labeled$/, check: () => fake.get('Ingress', 'default', 'web')?.metadata.labels, want: { tier: 'front', app: 'web' } },
    { args: ['label', 'ingress', 'web', 'tier-'], out: /^ingress\.networking\.k8s\.io\/web (un)?labeled$/, check: () => fake.get('Ingress', 'default', 'web')?.metadata.labels, want: { app: 'web' } },
    { args: ['patch', 'ingress', 'web', '--type=merge', '-p', '{"spec":{"ingressClassName":"other"}}'], out: /^ingress\.networking\.k8s\.io\/web patched$/, check: () => (fake.get('Ingress', 'default', 'web')?.spec as { ingressClassName: string }).ingressClassName, want: 'other' },
    { args: ['patch', 'ingress', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/rules/0/host","value":"shop.example"}]'], out: /patched$/, check: () => (fake.get('Ingress', 'default', 'web')?.spec as { rules: Array<{ host: string }> }).rules[0]!.host, want: 'shop.example' },
    { args: ['patch', 'ingress', 'web', '--type=merge', '-p', '{"spec":{"ingressClassName":"other"}}'], out: /^ingress\.networking\.k8s\.io\/web patched \(no change\)$/ },
    { args: ['get', 'ingress', 'web', '-o', 'jsonpath={.metadata.generation}'], out: /^3$/ },
    { args: ['delete', 'ingress', 'web'], out: /^ingress\.networking\.k8s\.io "web" deleted$/, check: () => fake.get('Ingress', 'default', 'web'), want: undefined },
    { args: ['get', 'ingress', 'web'], code: 1, out: /^Error from server \(NotFound\): ingresses\.networking\.k8s\.io "web" not found$/ },
    { args: ['delete', 'svc', 'nope'], code: 1, out: /^Error from server \(NotFound\): services "nope" not found$/ },
  ];
  for (const step of steps) {
    const name = `kubectl ${step.args.map((a) => (path.isAbsolute(a) ? path.basename(a) : a)).join(' ')}`;
    const run = await kubectl(...step.args);
    t.equal(run.code, step.code ?? 0, `${name}: exit code`, { stderr: run.stderr });
    t.match((step.code ? run.stderr : run.stdout).trim(), step.out, `${name}: output`);
    if (step.check) t.same(step.check(), step.want, `${name}: stored`);
  }
  const patches = fake.requests.filter((q) => q.method === 'PATCH').map((q) => q.query.replace(/&.*/, ''));
  t.same(patches, ['fieldManager=kubectl-client-side-apply', 'fieldManager=kubectl-client-side-apply', 'fieldManager=kubectl-annotate', 'fieldManager=kubectl-label', 'fieldManager=kubectl-label', 'fieldManager=kubectl-patch', 'fieldManager=kubectl-patch', 'fieldManager=kubectl-patch'], 'apply, annotate, label and patch send PATCH');
});

t.test('kubectl with a wrong token is told to log in', async (t) => {
  const { kubectl } = await setup(t);
  const run = await kubectl('--token', 'wrong', 'get', 'ingress');
  t.equal(run.code, 1, 'kubectl fails');
  // kubectl words it either way depending on which request failed first; real clusters show both.
  t.match(run.stderr, /error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/);
});

const watchCases: Array<{ args: string[]; header: RegExp | undefined; line: (name: string) => RegExp }> = [
  { args: ['get', 'ingress', '-w'], header: /^NAME\s+CLASS\s+HOSTS/, line: (n) => new RegExp(`^${n}\\s+<none>\\s+${n}\\.example\\s+80\\s+\\d+s$`) },
  { args: ['get', 'ingress', '-A', '-w'], header: /^NAMESPACE\s+NAME\s+CLASS/, line: (n) => new RegExp(`^default\\s+${n}\\s+<none>\\s+${n}\\.example`) },
  { args: ['get', 'ingress', '--watch-only', '-o', 'name'], header: undefined, line: (n) => new RegExp(`^ingress\\.networking\\.k8s\\.io/${n}$`) },
];

for (const c of watchCases) {
  t.test(`kubectl ${c.args.join(' ')} prints a new object live`, async (t) => {
    const { fake, base } = await setup(t);
    fake.apply(ingress('default', 'existing'));
    const child = spawn(kubectlBin, [...base, ...c.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => child.kill());
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const lines = () => out.split('\n').map((l) => l.trim());
    // Names kubectl's output so far when a wait times out.
    const waitFor = (what: string, check: () => boolean) =>
      until(what, check, 30_000).catch((err: Error) => {
        throw new Error(`${err.message}; kubectl printed: ${JSON.stringify(out)}`);
      });
    await waitFor('kubectl watches', () => fake.requests.some((q) => q.watch));
    const header = c.header;
    if (header) {
      await waitFor('kubectl prints the header', () => header.test(lines()[0] ?? ''));
      t.pass('the header comes first');
    }
    fake.apply({ ...ingress('default', 'fresh', {}, ''), spec: { rules: [{ host: 'fresh.example' }] } });
    await waitFor('kubectl prints the new object', () => lines().some((l) => c.line('fresh').test(l)));
    t.pass('the new object was printed from its watch event (a one-row Table)');
    const watch = fake.requests.find((q) => q.watch)!;
    t.match(watch.query, /resourceVersion=\d+&watch=true/, 'the watch starts at the list resourceVersion');
  });
}
