import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startKubeFake, type KubeFake } from '../../helpers/kube-fake/index.js';
import type { ProviderSnapshot } from '../../../src/provider/provider.js';
import { endpointSlice, eventually, ingress, ingressClass, service } from './fixtures.js';
import { run } from './run-provider.js';

const routerRules = (s: ProviderSnapshot | undefined) => Object.values(s?.config.http?.routers ?? {}).map((r) => r.rule);
const serverUrls = (s: ProviderSnapshot | undefined) =>
  Object.values(s?.config.http?.services ?? {})
    .flatMap((svc) => svc.loadBalancer?.servers ?? [])
    .map((server) => server.url)
    .sort();

function app(fake: KubeFake, namespace: string, name: string, host: string, ips: string[], port = 8080): void {
  fake.apply(service(namespace, name, port));
  fake.apply(endpointSlice(namespace, `${name}-abc`, name, port, ips));
  fake.apply(ingress(namespace, name, { host, service: name, port: 'http', className: 'switchyard' }));
}

t.test('kubernetesIngress provider runtime', async (t) => {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  fake.apply(ingressClass('switchyard'));

  await t.test('the first snapshot holds every kind of object listed before it', async (t) => {
    app(fake, 'default', 'web', 'web.test', ['10.0.0.1', '10.0.0.2']);
    const r = run(fake);
    t.teardown(() => r.stop());
    const first = await eventually('the first snapshot', () => r.snapshots[0]);
    t.match(routerRules(first).join(' '), /Host\(["`]web\.test["`]\)/, 'the Ingress became a router (IngressClass resolved)');
    t.same(serverUrls(first), ['http://10.0.0.1:8080', 'http://10.0.0.2:8080'], 'the EndpointSlice gave the servers');
    t.equal(r.provider.state().connected, true);
    t.equal(r.provider.name, 'kubernetes');
    const lists = fake.requests.filter((q) => q.method === 'GET' && !q.watch).map((q) => q.path);
    for (const path of ['/apis/networking.k8s.io/v1/ingresses', '/api/v1/services', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/secrets', '/apis/networking.k8s.io/v1/ingressclasses']) {
      t.ok(lists.includes(path), `listed ${path}`);
    }
  });

  await t.test('no snapshot is emitted before the first full sync; then it comes', async (t) => {
    fake.setUnreachable(true);
    const r = run(fake);
    t.teardown(async () => {
      fake.setUnreachable(false);
      await r.stop();
    });
    await eventually('a failed list reported', () => r.provider.state().lastError);
    t.equal(r.snapshots.length, 0, 'nothing emitted while the initial lists fail');
    t.equal(r.provider.state().connected, false);
    fake.setUnreachable(false);
    const first = await eventually('the first snapshot after the API came back', () => r.snapshots[0], 20_000);
    t.same(serverUrls(first), ['http://10.0.0.1:8080', 'http://10.0.0.2:8080']);
    await eventually('connected again', () => r.provider.state().connected && !r.provider.state().lastError);
  });

  await t.test('every change is rebuilt into a whole snapshot; irrelevant EndpointSlice updates are ignored', async (t) => {
    const r = run(fake);
    t.teardown(() => r.stop());
    await eventually('the first snapshot', () => r.snapshots[0]);
    const count = r.snapshots.length;
    // Only a label changes: no rebuild. Then a real change: exactly one more snapshot.
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2'], [], { unrelated: 'x' }));
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2', '10.0.0.3']));
    await eventually('the scaled service', () => serverUrls(r.snapshots.at(-1)).length === 3);
    t.equal(r.snapshots.length, count + 1, 'one snapshot for the one relevant change');
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2']));
    await eventually('scaled back', () => serverUrls(r.snapshots.at(-1)).length === 2);
  });

  await t.test('Helm release Secrets do not reach the translation', async (t) => {
    const r = run(fake);
    t.teardown(() => r.stop());
    await eventually('the first snapshot', () => r.snapshots[0]);
    const count = r.snapshots.length;
    fake.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sh.helm.release.v1.app.v1', namespace: 'default' }, type: 'helm.sh/release.v1', data: { release: 'eA==' } });
    fake.apply(ingress('default', 'other', { host: 'other.test', service: 'web', port: 'http', className: 'switchyard' }));
    await eventually('the second Ingress', () => routerRules(r.snapshots.at(-1)).some((rule) => rule?.includes('other.test')));
    t.equal(r.snapshots.length, count + 1, 'the Helm Secret caused no rebuild');
    fake.remove('Ingress', 'default', 'other');
    await eventually('the second Ingress gone', () => !routerRules(r.snapshots.at(-1)).some((rule) => rule?.includes('other.test')));
  });

  await t.test('cut watches are resumed with backoff and later changes still arrive', async (t) => {
    const r = run(fake);
    t.teardown(() => r.stop());
    await eventually('the first snapshot', () => r.snapshots[0]);
    await eventually('all five watches open', () => fake.openWatches() >= 5);
    const watchesBefore = fake.requests.filter((q) => q.watch).length;
    fake.cutWatches();
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.7']));
    await eventually('the change made while the watches were cut', () => serverUrls(r.snapshots.at(-1)).join() === 'http://10.0.0.7:8080');
    t.ok(fake.requests.filter((q) => q.watch).length > watchesBefore, 'the informers watched again');
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2']));
    await eventually('a change after the restart', () => serverUrls(r.snapshots.at(-1)).length === 2);
  });

  await t.test('while the API is unreachable the last snapshot stands and the state says so', async (t) => {
    const r = run(fake);
    t.teardown(async () => {
      fake.setUnreachable(false);
      await r.stop();
    });
    await eventually('the first snapshot', () => r.snapshots[0]);
    const good = r.snapshots.length;
    fake.setUnreachable(true);
    await eventually('disconnected', () => !r.provider.state().connected && r.provider.state().lastError);
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.9']));
    t.equal(r.snapshots.length, good, 'nothing new was emitted while unreachable');
    fake.setUnreachable(false);
    await eventually('the change made during the outage', () => serverUrls(r.snapshots.at(-1)).join() === 'http://10.0.0.9:8080', 20_000);
    await eventually('connected again with the error cleared', () => r.provider.state().connected && !r.provider.state().lastError);
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2']));
    await eventually('restored', () => serverUrls(r.snapshots.at(-1)).length === 2);
  });

  await t.test('after compaction (410 Expired) the informers relist and deletions made meanwhile are seen', async (t) => {
    app(fake, 'default', 'gone', 'gone.test', ['10.0.1.1']);
    const r = run(fake);
    t.teardown(async () => {
      fake.setUnreachable(false);
      await r.stop();
    });
    await eventually('both Ingresses', () => routerRules(r.snapshots.at(-1)).some((rule) => rule?.includes('gone.test')));
    fake.setUnreachable(true);
    await eventually('disconnected', () => !r.provider.state().connected);
    fake.remove('Ingress', 'default', 'gone');
    app(fake, 'default', 'new', 'new.test', ['10.0.2.1']);
    fake.compact();
    const listsBefore = fake.requests.filter((q) => !q.watch && q.path === '/apis/networking.k8s.io/v1/ingresses').length;
    fake.setUnreachable(false);
    await eventually('the relisted state', () => {
      const rules = routerRules(r.snapshots.at(-1)).join(' ');
      return rules.includes('new.test') && !rules.includes('gone.test');
    }, 20_000);
    t.ok(fake.requests.some((q) => q.watch && q.status === 410) || fake.requests.filter((q) => !q.watch && q.path === '/apis/networking.k8s.io/v1/ingresses').length > listsBefore, 'the Ingress informer relisted');
    for (const name of ['gone', 'new']) {
      fake.remove('Ingress', 'default', name);
      fake.remove('Service', 'default', name);
      fake.remove('EndpointSlice', 'default', `${name}-abc`);
    }
  });

  await t.test('namespaces and labelSelector narrow what is watched', async (t) => {
    fake.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    app(fake, 'prod', 'api', 'api.test', ['10.0.3.1']);
    fake.apply(ingress('prod', 'hidden', { host: 'hidden.test', service: 'api', port: 'http', className: 'switchyard' }));
    const labelled = ingress('prod', 'api', { host: 'api.test', service: 'api', port: 'http', className: 'switchyard', labels: { expose: 'yes' } });
    fake.apply(labelled);
    const r = run(fake, { scope: { namespaces: ['prod'], labelSelector: 'expose=yes', clusterScope: true } });
    t.teardown(() => r.stop());
    const first = await eventually('the first snapshot', () => r.snapshots[0]);
    t.same(routerRules(first).filter((rule) => rule?.includes('api.test')).length, 1, 'the labelled Ingress in prod');
    t.notOk(routerRules(first).some((rule) => rule?.includes('hidden.test') || rule?.includes('web.test')), 'neither unlabelled nor other namespaces');
    t.ok(fake.requests.some((q) => q.path === '/apis/networking.k8s.io/v1/namespaces/prod/ingresses' && q.query.includes('labelSelector')), 'a namespaced, selected list');
  });

  await t.test('without cluster scope no IngressClass is watched and Ingresses naming a class are ignored', async (t) => {
    // A watch the previous provider had in flight when it stopped may still be logged: let it settle first.
    await eventually('the previous watches closed', () => fake.openWatches() === 0);
    const r = run(fake, { scope: { namespaces: [], clusterScope: false }, translate: { allowEmptyServices: false, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: false } });
    t.teardown(() => r.stop());
    const before = fake.requests.filter((q) => q.path.endsWith('/ingressclasses')).length;
    const first = await eventually('the first snapshot', () => r.snapshots[0]);
    t.notOk(routerRules(first).some((rule) => rule?.includes('web.test')));
    t.equal(fake.requests.filter((q) => q.path.endsWith('/ingressclasses')).length, before, 'no IngressClass request');
  });

  await t.test('endpoint + token + certAuthFilePath connect; a wrong token is reported and nothing is emitted', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-kube-ca-'));
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, fake.ca);
    const good = run(fake, { connection: { endpoint: fake.url, token: fake.token, certAuthFilePath: caFile } });
    t.teardown(() => good.stop());
    const first = await eventually('the first snapshot', () => good.snapshots[0]);
    t.ok(routerRules(first).some((rule) => rule?.includes('web.test')));
    const bad = run(fake, { connection: { endpoint: fake.url, token: 'wrong', certAuthFilePath: caFile } });
    t.teardown(() => bad.stop());
    await eventually('the 401 reported', () => /401/.test(bad.provider.state().lastError ?? ''));
    t.equal(bad.snapshots.length, 0);
  });

  await t.test('restarts back off exponentially up to the cap while the API refuses connections', async (t) => {
    // A TCP relay in front of the fake counts the connection attempts it refuses while "down".
    let down = false;
    const refused: number[] = [];
    const relay = net.createServer((client) => {
      if (down) {
        refused.push(Date.now());
        return void client.destroy();
      }
      const upstream = net.connect(Number(new URL(fake.url).port), '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    relay.on('connection', (socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
    t.teardown(() => new Promise<void>((resolve) => (relay.close(() => resolve()), sockets.forEach((s) => s.destroy()))));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-kube-ca-'));
    await writeFile(path.join(dir, 'ca.pem'), fake.ca);
    const endpoint = `https://127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
    const r = run(fake, { connection: { endpoint, token: fake.token, certAuthFilePath: path.join(dir, 'ca.pem') }, restartBackoff: { initialMs: 100, maxMs: 800 } });
    t.teardown(() => r.stop());
    await eventually('the first snapshot', () => r.snapshots[0]);
    down = true;
    for (const socket of sockets) socket.destroy();
    const started = Date.now();
    await eventually('4 s of outage', () => Date.now() - started >= 4000, 10_000);
    const attempts = refused.length;
    down = false;
    // Five informers: doubling from 100 ms to 800 ms gives at most ~9 attempts each in 4 s; without backoff it would be hundreds.
    t.ok(attempts >= 10, `retried (${attempts} attempts)`);
    t.ok(attempts <= 5 * 10, `backed off (${attempts} attempts)`);
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.5']));
    await eventually('recovered', () => serverUrls(r.snapshots.at(-1)).includes('http://10.0.0.5:8080'));
    fake.apply(endpointSlice('default', 'web-abc', 'web', 8080, ['10.0.0.1', '10.0.0.2']));
    await eventually('restored', () => !serverUrls(r.snapshots.at(-1)).includes('http://10.0.0.5:8080'));
  });

  await t.test('a stopped provider leaves no watch open', async (t) => {
    await eventually('every watch closed', () => fake.openWatches() === 0);
    t.pass('no watch left');
  });
});
