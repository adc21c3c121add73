import t from 'tap';
import { startKubeFake, type KubeFake } from '../../helpers/kube-fake/index.js';
import type { KubernetesIngressProviderOptions } from '../../../providers/kubernetes-ingress/index.js';
import { endpointSlice, eventually, ingress, ingressClass, service } from './fixtures.js';
import { run } from './run-provider.js';

// Short enough for quick takeovers, long enough that a loaded machine's pauses do not look like a dead holder.
const LEASE = { namespace: 'default', name: 'switchyard-ingress-status', leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 250 };

type Status = { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
const published = (fake: KubeFake, name: string) => (fake.get('Ingress', 'default', name)?.status as Status | undefined)?.loadBalancer?.ingress ?? [];
const statusWrites = (fake: KubeFake, name: string) => fake.requests.filter((q) => q.method === 'PUT' && q.path === `/apis/networking.k8s.io/v1/namespaces/default/ingresses/${name}/status`).length;
const holder = (fake: KubeFake) => (fake.get('Lease', 'default', LEASE.name)?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

function replica(fake: KubeFake, identity: string, ip: string, extra: Partial<KubernetesIngressProviderOptions> = {}) {
  return run(fake, { ingressEndpoint: { ip }, lease: { ...LEASE, identity }, statusRetryMs: 200, ...extra });
}

t.test('Ingress status and its leader election', async (t) => {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  fake.apply(ingressClass('switchyard'));
  fake.apply(service('default', 'web', 8080));
  fake.apply(endpointSlice('default', 'web-1', 'web', 8080, ['10.0.0.1']));
  fake.apply(ingress('default', 'web', { host: 'web.test', service: 'web', port: 'http', className: 'switchyard' }));
  fake.apply(ingress('default', 'theirs', { host: 'theirs.test', service: 'web', port: 'http', annotations: { 'kubernetes.io/ingress.class': 'nginx' } }));

  await t.test('the ingressEndpoint ip is published on processed Ingresses only, and written only when different', async (t) => {
    const r = replica(fake, 'solo', '192.0.2.10');
    t.teardown(() => r.stop());
    await eventually('the status published', () => published(fake, 'web')[0]?.ip === '192.0.2.10');
    t.same(published(fake, 'web'), [{ ip: '192.0.2.10' }]);
    t.same(published(fake, 'theirs'), [], 'an Ingress of another class is left alone');
    t.equal(holder(fake), 'solo', 'the single replica holds the Lease');
    const writes = statusWrites(fake, 'web');
    // Rebuilds that do not change the addresses write nothing.
    fake.apply(endpointSlice('default', 'web-1', 'web', 8080, ['10.0.0.1', '10.0.0.2']));
    await eventually('the rebuild', () => Object.values(r.snapshots.at(-1)?.config.http?.services ?? {}).some((s) => s.loadBalancer?.servers?.length === 2));
    fake.apply(endpointSlice('default', 'web-1', 'web', 8080, ['10.0.0.1']));
    await eventually('the second rebuild', () => Object.values(r.snapshots.at(-1)?.config.http?.services ?? {}).some((s) => s.loadBalancer?.servers?.length === 1));
    t.equal(statusWrites(fake, 'web'), writes, 'no further status write');
    // Someone else overwrites the status: it is put back.
    fake.applyStatus({ ...fake.get('Ingress', 'default', 'web')!, status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } } });
    fake.apply(endpointSlice('default', 'web-1', 'web', 8080, ['10.0.0.1', '10.0.0.3']));
    await eventually('the status restored', () => published(fake, 'web')[0]?.ip === '192.0.2.10');
  });

  await t.test('with several watched namespaces, each Ingress is found in its own namespace', async (t) => {
    fake.apply(service('team-b', 'api', 8080));
    fake.apply(endpointSlice('team-b', 'api-1', 'api', 8080, ['10.0.1.1']));
    fake.apply(ingress('team-b', 'web', { host: 'b.test', service: 'api', port: 'http', className: 'switchyard' }));
    t.teardown(() => fake.remove('Ingress', 'team-b', 'web'));
    const r = replica(fake, 'two-namespaces', '192.0.2.20', { scope: { namespaces: ['default', 'team-b'], clusterScope: true } });
    t.teardown(() => r.stop());
    const publishedIn = (namespace: string) => ((fake.get('Ingress', namespace, 'web')?.status as Status | undefined)?.loadBalancer?.ingress ?? [])[0]?.ip;
    await eventually('both statuses published', () => publishedIn('default') === '192.0.2.20' && publishedIn('team-b') === '192.0.2.20');
    t.pass('an Ingress of the same name in each namespace got its status');
  });

  await t.test('a hostname is published as a hostname', async (t) => {
    const r = run(fake, { ingressEndpoint: { hostname: 'lb.example.com' }, lease: { ...LEASE, identity: 'named' }, statusRetryMs: 200 });
    t.teardown(() => r.stop());
    await eventually('the hostname published', () => published(fake, 'web')[0]?.hostname === 'lb.example.com');
    t.same(published(fake, 'web'), [{ hostname: 'lb.example.com' }]);
  });

  await t.test('a published Service lends its load balancer addresses, and changes follow', async (t) => {
    fake.apply(service('default', 'switchyard', 80, { type: 'LoadBalancer' }));
    fake.applyStatus({ ...fake.get('Service', 'default', 'switchyard')!, status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } } });
    const r = run(fake, { ingressEndpoint: { publishedService: 'default/switchyard' }, lease: { ...LEASE, identity: 'svc' }, statusRetryMs: 200 });
    t.teardown(() => r.stop());
    await eventually('the Service address published', () => published(fake, 'web')[0]?.ip === '203.0.113.5');
    fake.applyStatus({ ...fake.get('Service', 'default', 'switchyard')!, status: { loadBalancer: { ingress: [{ ip: '203.0.113.6' }, { hostname: 'lb.test' }] } } });
    await eventually('the new addresses published', () => JSON.stringify(published(fake, 'web')) === JSON.stringify([{ ip: '203.0.113.6' }, { hostname: 'lb.test' }]));
    t.pass('the status follows the Service');
  });

  await t.test('two replicas share the Lease: only the holder writes, and the other takes over when it stops', async (t) => {
    // Let the previous holder's Lease lapse first, so the race below is between these two only.
    fake.remove('Lease', 'default', LEASE.name);
    const a = replica(fake, 'replica-a', '192.0.2.1');
    const b = replica(fake, 'replica-b', '192.0.2.2');
    t.teardown(async () => {
      await a.stop();
      await b.stop();
    });
    const first = await eventually('a leader', () => (a.provider.isLeader() ? a : b.provider.isLeader() ? b : undefined));
    const [leader, other, leaderIp, otherIp, leaderId, otherId] = first === a ? [a, b, '192.0.2.1', '192.0.2.2', 'replica-a', 'replica-b'] : [b, a, '192.0.2.2', '192.0.2.1', 'replica-b', 'replica-a'];
    await eventually("the leader's address published", () => published(fake, 'web')[0]?.ip === leaderIp);
    t.equal(holder(fake), leaderId);
    await eventually('the other replica synced', () => other.snapshots.length > 0);
    // Several renewals later the follower still has not written and not taken the Lease.
    const renewals = () => fake.requests.filter((q) => q.method === 'PUT' && q.path.endsWith(`/leases/${LEASE.name}`)).length;
    const start = renewals();
    await eventually('a few renewals', () => renewals() >= start + 5);
    t.equal(other.provider.isLeader(), false, 'the follower is not leader');
    t.equal(published(fake, 'web')[0]?.ip, leaderIp, 'the follower wrote nothing');
    t.equal(holder(fake), leaderId);

    await leader.stop();
    await eventually('the other replica took over', () => other.provider.isLeader());
    t.equal(holder(fake), otherId);
    await eventually("the new leader's address published", () => published(fake, 'web')[0]?.ip === otherIp);
  });

  await t.test('a Lease whose holder stopped renewing is taken over after its duration', async (t) => {
    const lease = fake.get('Lease', 'default', LEASE.name)!;
    const transitions = (lease.spec as { leaseTransitions?: number }).leaseTransitions ?? 0;
    fake.apply({ ...lease, spec: { ...(lease.spec as object), holderIdentity: 'crashed', renewTime: new Date().toISOString().replace('Z', '000Z'), leaseDurationSeconds: 4 } });
    const since = Date.now();
    const r = replica(fake, 'survivor', '192.0.2.3');
    t.teardown(() => r.stop());
    await eventually('the takeover', () => r.provider.isLeader(), 20_000);
    const acquired = Date.parse(String((fake.get('Lease', 'default', LEASE.name)!.spec as { acquireTime?: string }).acquireTime));
    t.ok(acquired - since >= 4000, `took over only after a whole lease duration (${acquired - since} ms)`);
    t.equal(holder(fake), 'survivor');
    t.equal((fake.get('Lease', 'default', LEASE.name)!.spec as { leaseTransitions?: number }).leaseTransitions, transitions + 1, 'the transition is counted');
    await eventually('the survivor published', () => published(fake, 'web')[0]?.ip === '192.0.2.3');
  });
});
