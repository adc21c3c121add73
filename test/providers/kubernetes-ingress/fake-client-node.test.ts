import * as k8s from '@kubernetes/client-node';
import https from 'node:https';
import t, { type Test } from 'tap';
import { startKubeFake, type KubeFake, type KubeObject } from '../../helpers/kube-fake/index.js';
import { until } from '../../helpers/provider-checks.js';

// Drives the fake apiserver through the real @kubernetes/client-node 2.x (informers, typed clients, Watch,
// KubernetesObjectApi), so the Kubernetes provider's tests rest on a fake that the real client accepts.

const WAIT = 20_000;

async function setup(t: Test, options: { bookmarkIntervalMs?: number } = {}) {
  const fake = await startKubeFake(options);
  t.teardown(() => fake.close());
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(fake.kubeconfigPath);
  return {
    fake,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    net: kc.makeApiClient(k8s.NetworkingV1Api),
    disc: kc.makeApiClient(k8s.DiscoveryV1Api),
    coord: kc.makeApiClient(k8s.CoordinationV1Api),
  };
}

type Env = Awaited<ReturnType<typeof setup>>;

/** Records an informer's callbacks as `verb ns/name rv` lines and its errors. */
function record(t: Test, informer: k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>) {
  const events: string[] = [];
  const errors: unknown[] = [];
  for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
    informer.on(verb, (o) => events.push(`${verb} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name} ${o.metadata?.resourceVersion}`));
  }
  informer.on(k8s.ERROR, (err) => errors.push(err));
  // stop() aborts the watch, and client-node reports that abort to the error callbacks too.
  t.teardown(() => informer.stop());
  const has = (line: string) => events.some((e) => e === line || e.startsWith(`${line} `));
  return {
    events,
    errors,
    has,
    waitFor: (line: string) =>
      until(`informer event "${line}"`, () => has(line), WAIT).catch((err: Error) => {
        throw new Error(`${err.message}; saw ${JSON.stringify(events)}, errors ${errors.map(String).join('; ')}`);
      }),
  };
}

const ingress = (namespace: string, name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace, ...(extra.metadata ?? {}) },
  spec: { rules: [{ host: `${name}.example`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
});
const service = (namespace: string, name: string, port = 80): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port }] } });
const slice = (namespace: string, name: string, ips: string[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace, labels: { 'kubernetes.io/service-name': name.split('-')[0]! } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
});

const resources: Array<{
  name: string;
  path: string;
  list: (env: Env) => () => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
  make: (ns: string, name: string) => KubeObject;
  change: (obj: KubeObject) => KubeObject;
  kind: string;
  clusterScoped?: boolean;
}> = [
  { name: 'ingresses', path: '/apis/networking.k8s.io/v1/ingresses', list: (e) => () => e.net.listIngressForAllNamespaces(), make: (ns, n) => ingress(ns, n), change: (o) => ({ ...o, spec: { ingressClassName: 'switchyard' } }), kind: 'Ingress' },
  { name: 'services', path: '/api/v1/services', list: (e) => () => e.core.listServiceForAllNamespaces(), make: (ns, n) => service(ns, n), change: (o) => ({ ...o, spec: { ports: [{ name: 'http', port: 81 }] } }), kind: 'Service' },
  {
    name: 'endpointslices',
    path: '/apis/discovery.k8s.io/v1/endpointslices',
    list: (e) => () => e.disc.listEndpointSliceForAllNamespaces(),
    make: (ns, n) => slice(ns, n, ['10.0.0.1']),
    change: (o) => ({ ...o, endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true } }] }),
    kind: 'EndpointSlice',
  },
  {
    name: 'secrets',
    path: '/api/v1/secrets',
    list: (e) => () => e.core.listSecretForAllNamespaces(),
    make: (ns, n) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: n, namespace: ns }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==', 'tls.key': 'Yg==' } }),
    change: (o) => ({ ...o, data: { 'tls.crt': 'Yw==', 'tls.key': 'ZA==' } }),
    kind: 'Secret',
  },
  {
    name: 'ingressclasses (cluster-scoped)',
    path: '/apis/networking.k8s.io/v1/ingressclasses',
    list: (e) => () => e.net.listIngressClass(),
    make: (_ns, n) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: n }, spec: { controller: 'switchyard.io/ingress-controller' } }),
    change: (o) => ({ ...o, metadata: { ...o.metadata, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }),
    kind: 'IngressClass',
    clusterScoped: true,
  },
];

for (const r of resources) {
  t.test(`an informer on ${r.name} lists, then watches from the list's resourceVersion and sees add, update and delete`, async (t) => {
    const env = await setup(t);
    const { fake } = env;
    const ns = (n: string) => (r.clusterScoped ? undefined : n);
    const key = (namespace: string, name: string) => (r.clusterScoped ? name : `${namespace}/${name}`);
    const pre = fake.apply(r.make('default', 'pre'));
    const informer = k8s.makeInformer(env.kc, r.path, r.list(env));
    const rec = record(t, informer);
    await informer.start();
    t.ok(rec.has(`add ${key('default', 'pre')} ${pre.metadata.resourceVersion}`), 'the initial list adds the existing object');
    const listRv = fake.resourceVersion();

    const added = fake.apply(r.make('prod', 'web'));
    await rec.waitFor(`add ${key('prod', 'web')} ${added.metadata.resourceVersion}`);
    const changed = fake.apply(r.change(fake.get(r.kind, ns('prod'), 'web')!));
    t.not(changed.metadata.resourceVersion, added.metadata.resourceVersion, 'a write gets a new resourceVersion');
    await rec.waitFor(`update ${key('prod', 'web')} ${changed.metadata.resourceVersion}`);
    const again = fake.apply(r.change(fake.get(r.kind, ns('prod'), 'web')!));
    t.equal(again.metadata.resourceVersion, changed.metadata.resourceVersion, 'an identical write is a no-op: no new resourceVersion');
    fake.remove(r.kind, ns('default'), 'pre');
    const deletionRv = fake.resourceVersion();
    await rec.waitFor(`delete ${key('default', 'pre')} ${deletionRv}`);
    t.ok(Number(deletionRv) > Number(changed.metadata.resourceVersion), 'the DELETED event carries the resourceVersion of the deletion');

    const mine = fake.requests.filter((q) => q.path === r.path);
    t.same(mine[0], { method: 'GET', path: r.path, query: '', status: 200, watch: false }, 'LIST without limit or resourceVersion');
    t.same(mine[1], { method: 'GET', path: r.path, query: `watch=true&resourceVersion=${listRv}`, status: 200, watch: true }, 'WATCH from the list resourceVersion');
    t.same(rec.errors, [], 'no informer error');
  });
}

t.test('the apiserver defaults are filled in: Service ClusterIP and port protocol, Secret type, Ingress status', async (t) => {
  const { fake, core } = await setup(t);
  const created = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } } as k8s.V1Service });
  t.match(created.spec, { type: 'ClusterIP', clusterIP: /^10\.96\.\d+\.\d+$/, sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }, 'Service spec defaults and a ClusterIP');
  const replaced = await core.replaceNamespacedService({ namespace: 'default', name: 'web', body: { metadata: { name: 'web' }, spec: { ports: [{ port: 81 }] } } as k8s.V1Service });
  t.equal(replaced.spec?.clusterIP, created.spec?.clusterIP, 'a PUT without clusterIP keeps the allocated one');
  t.equal(fake.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } }).type, 'Opaque', 'Secret type');
  const ing = await kcNet(fake).createNamespacedIngress({ namespace: 'default', body: { ...ingress('default', 'web'), status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } } } as k8s.V1Ingress });
  t.same(ing.status, { loadBalancer: {} }, 'a create resets the status of a resource with a status subresource');
  t.same(fake.get('Namespace', undefined, 'default')?.metadata.labels, { 'kubernetes.io/metadata.name': 'default' }, 'namespaces carry their name label');
});

function kcNet(fake: KubeFake): k8s.NetworkingV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(fake.kubeconfigPath);
  return kc.makeApiClient(k8s.NetworkingV1Api);
}

t.test('the status subresource changes only .status, and a main-resource PUT keeps the stored status', async (t) => {
  const env = await setup(t);
  const { fake, net } = env;
  fake.apply(ingress('default', 'web'));
  const informer = k8s.makeInformer(env.kc, '/apis/networking.k8s.io/v1/ingresses', () => net.listIngressForAllNamespaces());
  const rec = record(t, informer);
  await informer.start();

  const current = await net.readNamespacedIngress({ namespace: 'default', name: 'web' });
  t.equal(current.metadata?.generation, 1, 'generation starts at 1');
  t.ok(current.metadata?.uid && current.metadata?.creationTimestamp, 'uid and creationTimestamp are set');
  const withStatus = await net.replaceNamespacedIngressStatus({
    namespace: 'default',
    name: 'web',
    body: { ...current, spec: { ingressClassName: 'ignored' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
  });
  t.same(withStatus.status?.loadBalancer?.ingress, [{ ip: '192.0.2.10' }], 'PUT …/status stores the status');
  t.equal(withStatus.spec?.ingressClassName, undefined, 'PUT …/status ignores spec changes');
  t.equal(withStatus.metadata?.generation, 1, 'a status write does not bump generation');
  await rec.waitFor(`update default/web ${withStatus.metadata?.resourceVersion}`);

  const replaced = await net.replaceNamespacedIngress({ namespace: 'default', name: 'web', body: { ...withStatus, spec: { ingressClassName: 'switchyard' }, status: {} } });
  t.same(replaced.status?.loadBalancer?.ingress, [{ ip: '192.0.2.10' }], 'a main PUT keeps the stored status');
  t.equal(replaced.spec?.ingressClassName, 'switchyard', 'a main PUT replaces the spec');
  t.equal(replaced.metadata?.generation, 2, 'a spec change bumps generation');

  const stale = await net.replaceNamespacedIngressStatus({ namespace: 'default', name: 'web', body: withStatus }).catch((err: unknown) => err);
  t.match(stale, { code: 409 }, 'a status PUT with a stale resourceVersion is a 409');
  t.match(JSON.parse((stale as k8s.ApiException<string>).body), { kind: 'Status', reason: 'Conflict', message: /the object has been modified/ });
  t.same(fake.get('Ingress', 'default', 'web')?.status, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }, 'the hook sees the stored status');
});

t.test('after compaction the informer gets 410 Expired, relists and diffs: DELETE for what vanished, ADD for what is new', async (t) => {
  const env = await setup(t);
  const { fake, net } = env;
  fake.apply(ingress('default', 'stays'));
  const gone = fake.apply(ingress('default', 'gone'));
  const informer = k8s.makeInformer(env.kc, '/apis/networking.k8s.io/v1/ingresses', () => net.listIngressForAllNamespaces());
  const rec = record(t, informer);
  await informer.start();
  await until('the watch is open', () => fake.openWatches() === 1, WAIT);

  // The streams end cleanly, so client-node re-watches from its last resourceVersion (after its 1 s backoff);
  // the writes and the compaction happen before that.
  fake.endWatches();
  fake.remove('Ingress', 'default', 'gone');
  const fresh = fake.apply(ingress('other', 'after-compaction'));
  fake.compact();

  await rec.waitFor(`delete default/gone ${gone.metadata.resourceVersion}`);
  await rec.waitFor(`add other/after-compaction ${fresh.metadata.resourceVersion}`);
  t.notOk(rec.has('delete default/stays'), 'objects still present are not deleted');
  const lists = fake.requests.filter((q) => q.path === '/apis/networking.k8s.io/v1/ingresses' && !q.watch);
  t.equal(lists.length, 2, 'the 410 made the informer LIST again');
  await until('the informer watches from the relist', () => fake.requests.some((q) => q.watch && q.query.endsWith(`resourceVersion=${fresh.metadata.resourceVersion}`)), WAIT);
  t.same(rec.errors, [], 'a 410 is not an informer error');
});

t.test('a watch ERROR 410 is what the apiserver sends: HTTP 200, one Status event, then the stream closes', async (t) => {
  const { fake, kc } = await setup(t);
  fake.apply(ingress('default', 'a'));
  const old = fake.resourceVersion();
  fake.apply(ingress('default', 'b'));
  fake.compact();
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  const done = new Promise<unknown>((resolve) => {
    void new k8s.Watch(kc).watch('/apis/networking.k8s.io/v1/ingresses', { resourceVersion: old }, (type, object) => events.push({ type, object }), resolve);
  });
  t.equal(await done, null, 'the stream ends without an error');
  t.match(events, [{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: new RegExp(`^too old resource version: ${old} \\(`) } }]);
});

t.test('a cut watch stops the informer with an error; start() again resumes from the last resourceVersion without a relist', async (t) => {
  const env = await setup(t);
  const { fake, net } = env;
  fake.apply(ingress('default', 'web'));
  const informer = k8s.makeInformer(env.kc, '/apis/networking.k8s.io/v1/ingresses', () => net.listIngressForAllNamespaces());
  const rec = record(t, informer);
  await informer.start();
  await until('the watch is open', () => fake.openWatches() === 1, WAIT);

  fake.cutWatches();
  await until('the informer reports the cut', () => rec.errors.length > 0, WAIT);
  const missed = fake.apply(ingress('default', 'while-cut'));
  await informer.start();
  await rec.waitFor(`add default/while-cut ${missed.metadata.resourceVersion}`);
  t.equal(fake.requests.filter((q) => q.path === '/apis/networking.k8s.io/v1/ingresses' && !q.watch).length, 1, 'the missed event came from the watch history, not a relist');
});

t.test('while the API is unreachable lists and watches fail; once it is back a restarted informer catches up', async (t) => {
  const env = await setup(t);
  const { fake, net } = env;
  fake.apply(ingress('default', 'web'));
  const informer = k8s.makeInformer(env.kc, '/apis/networking.k8s.io/v1/ingresses', () => net.listIngressForAllNamespaces());
  const rec = record(t, informer);
  await informer.start();
  await until('the watch is open', () => fake.openWatches() === 1, WAIT);

  fake.setUnreachable(true);
  await until('the informer reports the partition', () => rec.errors.length > 0, WAIT);
  t.equal(fake.openWatches(), 0, 'open watches were cut');
  const errorsBefore = rec.errors.length;
  fake.remove('Ingress', 'default', 'web');
  const added = fake.apply(ingress('default', 'during-partition'));
  await informer.start();
  await until('the restart fails too', () => rec.errors.length > errorsBefore, WAIT);
  await t.rejects(net.listIngressForAllNamespaces(), 'a plain list fails while unreachable');

  fake.setUnreachable(false);
  await informer.start();
  await rec.waitFor(`add default/during-partition ${added.metadata.resourceVersion}`);
  await rec.waitFor('delete default/web');
});

const selectorCases: Array<{ labelSelector?: string; fieldSelector?: string; namespace?: string; want: string[] }> = [
  { labelSelector: 'app=web', want: ['default/web', 'prod/web'] },
  { labelSelector: 'app==web,tier=front', want: ['default/web'] },
  { labelSelector: 'app!=web', want: ['default/api', 'default/bare'] },
  { labelSelector: 'tier', want: ['default/api', 'default/web'] },
  { labelSelector: '!tier', want: ['default/bare', 'prod/web'] },
  { labelSelector: 'tier in (back, other)', want: ['default/api'] },
  { labelSelector: 'app notin (web)', want: ['default/api', 'default/bare'] },
  { fieldSelector: 'metadata.name=web', want: ['default/web', 'prod/web'] },
  { fieldSelector: 'metadata.namespace!=default', want: ['prod/web'] },
  { labelSelector: 'app=web', namespace: 'prod', want: ['prod/web'] },
  { labelSelector: 'app=web', fieldSelector: 'metadata.namespace=default', want: ['default/web'] },
];

t.test('label and field selectors on lists', async (t) => {
  const { fake, net } = await setup(t);
  fake.apply(ingress('default', 'web', { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } } }));
  fake.apply(ingress('default', 'api', { metadata: { name: 'api', labels: { app: 'api', tier: 'back' } } }));
  fake.apply(ingress('default', 'bare'));
  fake.apply(ingress('prod', 'web', { metadata: { name: 'web', labels: { app: 'web' } } }));
  for (const c of selectorCases) {
    const { namespace, ...query } = c;
    const list = namespace ? await net.listNamespacedIngress({ namespace, ...query }) : await net.listIngressForAllNamespaces(query);
    t.same(list.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`), c.want, `${JSON.stringify(query)}${namespace ? ` in ${namespace}` : ''}`);
    t.equal(list.metadata?.resourceVersion, fake.resourceVersion(), 'the list carries the current resourceVersion');
  }
  const bad = await net.listIngressForAllNamespaces({ fieldSelector: 'spec.nope=1' }).catch((err: unknown) => err);
  t.match(bad, { code: 400 }, 'an unsupported field label is a 400');
});

t.test('an informer with a label selector sees objects that start matching as ADD and stop matching as DELETE', async (t) => {
  const env = await setup(t);
  const { fake, net } = env;
  fake.apply(ingress('default', 'web', { metadata: { name: 'web', labels: { app: 'web' } } }));
  fake.apply(ingress('default', 'other'));
  const informer = k8s.makeInformer(env.kc, '/apis/networking.k8s.io/v1/ingresses', () => net.listIngressForAllNamespaces({ labelSelector: 'app=web' }), 'app=web');
  const rec = record(t, informer);
  await informer.start();
  t.same(rec.events.map((e) => e.split(' ').slice(0, 2).join(' ')), ['add default/web'], 'only the matching object is listed');

  const joined = fake.apply(ingress('default', 'other', { metadata: { name: 'other', labels: { app: 'web' } } }));
  await rec.waitFor(`add default/other ${joined.metadata.resourceVersion}`);
  const left = fake.apply(ingress('default', 'web', { metadata: { name: 'web', labels: { app: 'api' } } }));
  await rec.waitFor(`delete default/web ${left.metadata.resourceVersion}`);
  fake.apply(ingress('prod', 'never', { metadata: { name: 'never', labels: { app: 'api' } } }));
  const last = fake.apply(ingress('prod', 'late', { metadata: { name: 'late', labels: { app: 'web' } } }));
  await rec.waitFor(`add prod/late ${last.metadata.resourceVersion}`);
  t.notOk(rec.has('add prod/never'), 'a non-matching object is never sent');
  t.ok(fake.requests.some((q) => q.watch && q.query.includes('labelSelector=app%3Dweb')), 'the watch carries the selector');
});

t.test('leases for leader election: create, AlreadyExists, replace with the current resourceVersion, Conflict when stale', async (t) => {
  const { coord } = await setup(t);
  const namespace = 'kube-system';
  const lease = (holder: string, rv?: string): k8s.V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'switchyard-leader', namespace, ...(rv ? { resourceVersion: rv } : {}) },
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date() as unknown as k8s.V1MicroTime },
  });
  const created = await coord.createNamespacedLease({ namespace, body: lease('pod-a') });
  t.equal(created.spec?.holderIdentity, 'pod-a', 'the first candidate creates the lease');
  const steps: Array<{ name: string; run: () => Promise<unknown>; code?: number; reason?: string }> = [
    { name: 'a second create is 409 AlreadyExists', run: () => coord.createNamespacedLease({ namespace, body: lease('pod-b') }), code: 409, reason: 'AlreadyExists' },
    { name: 'the holder renews with the current resourceVersion', run: () => coord.replaceNamespacedLease({ namespace, name: 'switchyard-leader', body: lease('pod-a', created.metadata?.resourceVersion) }) },
    { name: 'a candidate with the old resourceVersion gets 409 Conflict', run: () => coord.replaceNamespacedLease({ namespace, name: 'switchyard-leader', body: lease('pod-b', created.metadata?.resourceVersion) }), code: 409, reason: 'Conflict' },
    { name: 'reading a missing lease is 404 NotFound', run: () => coord.readNamespacedLease({ namespace, name: 'nope' }), code: 404, reason: 'NotFound' },
  ];
  for (const step of steps) {
    const result = await step.run().then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, err: err as k8s.ApiException<string> }),
    );
    if (step.code === undefined) t.ok(result.ok, step.name);
    else if (result.ok) t.fail(`${step.name}: succeeded`);
    else {
      t.equal(result.err.code, step.code, step.name);
      t.match(JSON.parse(result.err.body), { kind: 'Status', status: 'Failure', reason: step.reason, code: step.code });
    }
  }
  const read = await coord.readNamespacedLease({ namespace, name: 'switchyard-leader' });
  t.equal(read.spec?.holderIdentity, 'pod-a', 'the conflicting write did not land');
});

t.test('errors are Status objects with reason and code', async (t) => {
  const { fake, net, core } = await setup(t);
  fake.apply(ingress('default', 'web'));
  const wrongToken = new k8s.KubeConfig();
  wrongToken.loadFromFile(fake.kubeconfigPath);
  wrongToken.users[0] = { ...wrongToken.users[0]!, token: 'wrong' };
  const denied = (await wrongToken.makeApiClient(k8s.CoreV1Api).listNamespace().catch((e: unknown) => e)) as k8s.ApiException<unknown>;
  t.equal(denied.code, 401, 'a wrong bearer token is 401 (client-node drops the body of a 401)');
  const raw = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    https.get(`${fake.url}/api/v1/namespaces`, { ca: fake.ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
  t.equal(raw.status, 401, 'no token is 401');
  t.match(JSON.parse(raw.body), { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 }, 'the 401 body is a Status');
  const cases: Array<{ name: string; run: () => Promise<unknown>; code: number; reason: string; message?: RegExp }> = [
    { name: 'a missing object is 404', run: () => net.readNamespacedIngress({ namespace: 'default', name: 'nope' }), code: 404, reason: 'NotFound', message: /^ingresses\.networking\.k8s\.io "nope" not found$/ },
    { name: 'a missing core object names the plural only', run: () => core.readNamespacedService({ namespace: 'default', name: 'nope' }), code: 404, reason: 'NotFound', message: /^services "nope" not found$/ },
    { name: 'a create of an existing name is 409', run: () => net.createNamespacedIngress({ namespace: 'default', body: ingress('default', 'web') }), code: 409, reason: 'AlreadyExists' },
    { name: 'a namespace mismatch is 400', run: () => net.createNamespacedIngress({ namespace: 'prod', body: ingress('default', 'x') }), code: 400, reason: 'BadRequest', message: /namespace .* does not match/ },
    { name: 'a replace of a missing object is 404', run: () => net.replaceNamespacedIngress({ namespace: 'default', name: 'ghost', body: ingress('default', 'ghost') }), code: 404, reason: 'NotFound' },
    { name: 'a delete of a missing object is 404', run: () => core.deleteNamespacedService({ namespace: 'default', name: 'ghost' }), code: 404, reason: 'NotFound' },
  ];
  for (const c of cases) {
    const err = (await c.run().then(() => undefined, (e: unknown) => e)) as k8s.ApiException<string> | undefined;
    t.equal(err?.code, c.code, c.name);
    t.match(JSON.parse(err?.body ?? '{}'), { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: c.reason, code: c.code, ...(c.message ? { message: c.message } : {}) }, `${c.name}: body`);
  }
});

t.test('the Watch API: RV "0" starts with synthetic ADDED, bookmarks come when allowed, timeoutSeconds ends the stream cleanly', async (t) => {
  const { fake, kc } = await setup(t, { bookmarkIntervalMs: 100 });
  fake.apply(ingress('default', 'a'));
  fake.apply(ingress('default', 'b'));
  const events: Array<{ type: string; rv: string; name?: string }> = [];
  const started = Date.now();
  const done = new Promise<unknown>((resolve) => {
    void new k8s.Watch(kc).watch(
      '/apis/networking.k8s.io/v1/namespaces/default/ingresses',
      { resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 1 },
      (type, object: KubeObject) => events.push({ type, rv: object.metadata.resourceVersion ?? '', ...(type === 'BOOKMARK' ? {} : { name: object.metadata.name }) }),
      resolve,
    );
  });
  await until('a live event', () => events.length >= 2, WAIT);
  const live = fake.apply(ingress('default', 'c'));
  t.equal(await done, null, 'timeoutSeconds closes the stream without an error');
  t.ok(Date.now() - started >= 900, 'the stream stayed open for timeoutSeconds');
  t.same(events.slice(0, 2).map((e) => `${e.type} ${e.name}`), ['ADDED a', 'ADDED b'], 'RV 0 sends the current objects first');
  t.ok(events.some((e) => e.type === 'ADDED' && e.name === 'c' && e.rv === live.metadata.resourceVersion), 'then live events');
  const bookmarks = events.filter((e) => e.type === 'BOOKMARK');
  t.ok(bookmarks.length >= 1, 'bookmarks were sent');
  t.ok(bookmarks.every((b) => Number(b.rv) > 0), 'a bookmark carries a resourceVersion');
});

t.test('a watch from resourceVersion N replays the history after N, for the path and selectors asked', async (t) => {
  const { fake, kc } = await setup(t);
  const from = fake.resourceVersion();
  fake.apply(ingress('default', 'a'));
  fake.apply(ingress('prod', 'b'));
  fake.apply({ ...ingress('default', 'a'), spec: {} });
  fake.remove('Ingress', 'default', 'a');
  const events: string[] = [];
  const request = await new k8s.Watch(kc).watch('/apis/networking.k8s.io/v1/namespaces/default/ingresses', { resourceVersion: from }, (type, o: KubeObject) => events.push(`${type} ${o.metadata.name}`), () => {});
  t.teardown(() => request.abort());
  await until('the replay', () => events.length >= 3, WAIT);
  t.same(events, ['ADDED a', 'MODIFIED a', 'DELETED a'], 'only the namespace of the path, in order');
});

t.test('lists page with limit and continue, keeping the first page resourceVersion', async (t) => {
  const { fake, core } = await setup(t);
  for (const name of ['a', 'b', 'c', 'd', 'e']) fake.apply(service('default', name));
  const first = await core.listNamespacedService({ namespace: 'default', limit: 2 });
  t.same(first.items.map((i) => i.metadata?.name), ['a', 'b']);
  t.equal(first.metadata?.remainingItemCount, 3, 'remainingItemCount');
  fake.apply(service('default', 'f'));
  const second = await core.listNamespacedService({ namespace: 'default', limit: 2, _continue: first.metadata?._continue });
  t.same(second.items.map((i) => i.metadata?.name), ['c', 'd']);
  t.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion, 'continued pages keep the first resourceVersion');
  fake.compact();
  const expired = await core.listNamespacedService({ namespace: 'default', limit: 2, _continue: second.metadata?._continue }).catch((e: unknown) => e);
  t.match(expired, { code: 410 }, 'a continue token older than the compaction is 410 Expired');
});

t.test('KubernetesObjectApi finds resources by discovery and patches with merge, JSON and strategic patches', async (t) => {
  const { fake, kc } = await setup(t);
  fake.apply(service('default', 'web'));
  fake.apply(ingress('default', 'web', { metadata: { name: 'web', labels: { keep: 'yes', drop: 'yes' } } }));
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const header = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'default' } };
  const cases: Array<{ name: string; patch: object; strategy: k8s.PatchStrategy; check: (o: KubeObject) => unknown }> = [
    { name: 'merge patch adds an annotation and deletes a label with null', patch: { ...header, metadata: { ...header.metadata, annotations: { a: 'b' }, labels: { drop: null } } }, strategy: k8s.PatchStrategy.MergePatch, check: (o) => [o.metadata.annotations, o.metadata.labels] },
    { name: 'JSON patch replaces a field', patch: [{ op: 'replace', path: '/spec/rules/0/host', value: 'new.example' }], strategy: k8s.PatchStrategy.JsonPatch, check: (o) => (o.spec as { rules: Array<{ host: string }> }).rules[0]!.host },
    { name: 'strategic merge patch merges maps', patch: { ...header, metadata: { ...header.metadata, labels: { extra: '1' } } }, strategy: k8s.PatchStrategy.StrategicMergePatch, check: (o) => o.metadata.labels },
  ];
  const want: unknown[] = [[{ a: 'b' }, { keep: 'yes' }], 'new.example', { keep: 'yes', extra: '1' }];
  for (const [i, c] of cases.entries()) {
    if (Array.isArray(c.patch)) {
      // KubernetesObjectApi takes the object header from the spec; a JSON patch goes through the typed client.
      const net = kc.makeApiClient(k8s.NetworkingV1Api);
      await net.patchNamespacedIngress({ namespace: 'default', name: 'web', body: c.patch }, k8s.setHeaderOptions('Content-Type', c.strategy));
    } else {
      await api.patch(c.patch as k8s.KubernetesObject, undefined, undefined, undefined, undefined, c.strategy);
    }
    t.same(c.check(fake.get('Ingress', 'default', 'web')!), want[i], c.name);
  }
  const read = await api.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' } });
  t.equal(read.kind, 'Service', 'a read through discovery returns the typed object');
  t.ok(fake.requests.some((q) => q.path === '/apis/networking.k8s.io/v1' && q.status === 200), 'discovery of the group version was used');
});

t.test('extra resource types (CRDs) are served, discovered and watched like the built-in ones', async (t) => {
  const fake = await startKubeFake({
    resources: [{ group: 'traefik.io', version: 'v1alpha1', kind: 'IngressRoute', plural: 'ingressroutes', singular: 'ingressroute', namespaced: true, shortNames: [], status: false }],
  });
  t.teardown(() => fake.close());
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(fake.kubeconfigPath);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const crd = { group: 'traefik.io', version: 'v1alpha1', plural: 'ingressroutes' };
  const informer = k8s.makeInformer(kc, '/apis/traefik.io/v1alpha1/ingressroutes', () => custom.listClusterCustomObject(crd) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>);
  const rec = record(t, informer);
  await informer.start();
  const created = (await custom.createNamespacedCustomObject({ ...crd, namespace: 'default', body: { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'web' }, spec: { routes: [] } } })) as KubeObject;
  await rec.waitFor(`add default/web ${created.metadata.resourceVersion}`);
  const list = (await custom.listNamespacedCustomObject({ ...crd, namespace: 'default' })) as { kind: string; items: unknown[] };
  t.equal(list.kind, 'IngressRouteList', 'the list kind');
  t.equal(list.items.length, 1, 'the created object is listed');
  const discovery = await fetchJson(fake, '/apis/traefik.io/v1alpha1');
  t.match(discovery, { kind: 'APIResourceList', groupVersion: 'traefik.io/v1alpha1', resources: [{ name: 'ingressroutes', kind: 'IngressRoute', namespaced: true }] }, 'the group version is discoverable');
});

t.test('deletecollection with a selector, dryRun and the legacy /watch/ path', async (t) => {
  const { fake, core, kc } = await setup(t);
  fake.apply({ ...service('default', 'a'), metadata: { name: 'a', namespace: 'default', labels: { app: 'x' } } });
  fake.apply({ ...service('default', 'b'), metadata: { name: 'b', namespace: 'default', labels: { app: 'x' } } });
  fake.apply(service('default', 'c'));
  const events: string[] = [];
  const watch = await new k8s.Watch(kc).watch('/api/v1/watch/namespaces/default/services', { resourceVersion: fake.resourceVersion() }, (type, o: KubeObject) => events.push(`${type} ${o.metadata.name}`), () => {});
  t.teardown(() => watch.abort());
  await until('the legacy watch is open', () => fake.openWatches() === 1, WAIT);

  const before = fake.resourceVersion();
  const dry = await core.createNamespacedService({ namespace: 'default', body: service('default', 'dry') as k8s.V1Service, dryRun: 'All' });
  t.equal(dry.metadata?.name, 'dry', 'a dry-run create answers with the object');
  t.equal(fake.get('Service', 'default', 'dry'), undefined, 'but stores nothing');
  t.equal(fake.resourceVersion(), before, 'and writes no resourceVersion');

  await core.deleteCollectionNamespacedService({ namespace: 'default', labelSelector: 'app=x' });
  t.same(fake.list('Service').map((s) => s.metadata.name), ['c'], 'only the selected services were deleted');
  await until('the watch saw both deletions', () => events.length >= 2, WAIT);
  t.same(events.sort(), ['DELETED a', 'DELETED b'], 'the legacy /watch/ path streams events');
});

// A GET through node:https with the fake's CA and token, for bodies client-node does not expose.
function fetchJson(fake: KubeFake, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(`${fake.url}${path}`, { ca: fake.ca, headers: { authorization: `Bearer ${fake.token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}
