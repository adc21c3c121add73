import t from 'tap';
import { startConsulFake } from '../../helpers/consul-fake.js';

// The fake stands in for Consul in the provider tests, so its wire behaviour is checked on its own.
t.test('the Consul fake answers KV reads as Consul documents them', async (t) => {
  const consul = await startConsulFake();
  t.teardown(() => consul.close());
  const empty = await fetch(`${consul.url}/v1/kv/traefik/?recurse=true`);
  t.equal(empty.status, 404, 'an empty prefix is 404');
  t.ok(Number(empty.headers.get('x-consul-index')) >= 1, 'with an index of at least 1');
  t.equal((await fetch(`${consul.url}/v1/kv/traefik/a`, { method: 'PUT', body: 'x y' }).then((r) => r.text())), 'true', 'PUT answers true');
  consul.putKv('traefik/b', '');
  const listed = await fetch(`${consul.url}/v1/kv/traefik/?recurse=true`);
  const body = (await listed.json()) as Array<{ Key: string; Value: string | null; ModifyIndex: number; CreateIndex: number; LockIndex: number; Flags: number }>;
  t.same(body.map((e) => [e.Key, e.Value]), [['traefik/a', Buffer.from('x y').toString('base64')], ['traefik/b', null]], 'values are base64, empty ones null');
  t.equal(Number(listed.headers.get('x-consul-index')), Math.max(...body.map((e) => e.ModifyIndex)), 'the index is the last write to the table');
});

t.test('blocking queries return on a change or at the end of the wait', async (t) => {
  const consul = await startConsulFake();
  t.teardown(() => consul.close());
  consul.putKv('k/a', '1');
  const index = Number((await fetch(`${consul.url}/v1/kv/k/?recurse`)).headers.get('x-consul-index'));

  let started = Date.now();
  const timedOut = await fetch(`${consul.url}/v1/kv/k/?recurse&index=${index}&wait=300ms`);
  t.ok(Date.now() - started >= 250, 'an unchanged index hangs until the wait ends');
  t.equal(Number(timedOut.headers.get('x-consul-index')), index, 'and returns the same index');

  started = Date.now();
  const pending = fetch(`${consul.url}/v1/kv/k/?recurse&index=${index}&wait=60s`);
  while (consul.blocked() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  consul.putKv('k/b', '2');
  const woken = await pending;
  t.ok(Date.now() - started < 5000, 'a write wakes the query');
  t.ok(Number(woken.headers.get('x-consul-index')) > index, 'with a higher index');
  t.equal(((await woken.json()) as unknown[]).length, 2);

  const stale = await fetch(`${consul.url}/v1/kv/k/?recurse&index=${index}&wait=60s`);
  t.equal(stale.status, 200, 'an index already passed answers at once');
});

t.test('catalog and health endpoints describe registered instances', async (t) => {
  const consul = await startConsulFake({ token: 'tok' });
  t.teardown(() => consul.close());
  const get = (path: string, token = 'tok') => fetch(`${consul.url}${path}`, { headers: token ? { 'x-consul-token': token } : {} });
  consul.register({ id: 'web-1', name: 'web', address: '10.0.0.1', port: 80, tags: ['a', 'b'] });
  consul.register({ id: 'web-2', name: 'web', address: '', port: 81, tags: ['b', 'c'], status: 'critical' });
  t.same(await (await get('/v1/catalog/services')).json(), { web: ['a', 'b', 'c'] }, 'services list the union of their tags');
  const all = (await (await get('/v1/health/service/web')).json()) as Array<{ Node: { Address: string }; Service: { ID: string; Address: string; Port: number }; Checks: Array<{ CheckID: string; Status: string }> }>;
  t.same(all.map((e) => [e.Service.ID, e.Service.Address, e.Service.Port]), [['web-1', '10.0.0.1', 80], ['web-2', '', 81]]);
  t.same(all[1]!.Checks.map((c) => [c.CheckID, c.Status]), [['serfHealth', 'passing'], ['service:web-2', 'critical']], 'each entry has the node check and its service check');
  const passing = (await (await get('/v1/health/service/web?passing=true')).json()) as unknown[];
  t.equal(passing.length, 1, '?passing filters out the critical instance');
  t.equal((await get('/v1/health/service/web?dc=dc9')).status, 500, 'an unknown datacenter is an error');
  const denied = [await get('/v1/catalog/services', ''), await get('/v1/catalog/services', 'bad')];
  t.same(await Promise.all(denied.map(async (r) => `${r.status} ${await r.text()}`)), ['403 Permission denied', '403 ACL not found'], 'ACLs are enforced');
});
