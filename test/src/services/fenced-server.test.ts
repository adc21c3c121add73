import t, { type Test } from 'tap';
import { buildService } from '../../../src/services/build.js';
import { stickyValue } from '../../../src/services/sticky.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, type ServiceHarness } from '../../helpers/backend-harness.js';

// A fenced server is a draining Kubernetes pod (terminating but still serving): only clients already pinned to it by
// the sticky cookie may reach it, so their sessions end cleanly while no new client is sent there.
async function setup(t: Test, fenced: boolean[], sticky: boolean): Promise<{ harness: ServiceHarness; backends: PoolBackend[] }> {
  const backends = await startBackendPool(fenced.length);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const servers = backends.map((b, i) => ({ url: b.url, ...(fenced[i] ? { fenced: true } : {}) }));
  harness.service = buildService({ loadBalancer: { servers, ...(sticky ? { sticky: { cookie: { name: 'pin' } } } : {}) } }, harness.context('web@kubernetes'));
  return { harness, backends };
}

async function bodies(harness: ServiceHarness, count: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await harness.send({ headers })).body);
  return out;
}

for (const sticky of [false, true]) {
  t.test(`a fenced server never takes a new client${sticky ? ' of a sticky service' : ''}`, async (t) => {
    const { harness, backends } = await setup(t, [false, true, false], sticky);
    t.same(new Set(await bodies(harness, 30)), new Set(['a', 'c']), 'only the servers that are not fenced answer');
    t.equal(backends[1]!.requests, 0, 'the fenced server received nothing');
    t.equal(harness.service.healthy(), true);
  });
}

t.test('a sticky cookie naming a fenced server still reaches it, and keeps the session there', async (t) => {
  const { harness, backends } = await setup(t, [false, true], true);
  const pinned = `pin=${stickyValue(backends[1]!.url)}`;
  const res = await harness.send({ headers: { cookie: pinned } });
  t.equal(res.body, 'b', 'the pinned client reaches the draining server');
  t.equal(res.headers['set-cookie'], undefined, 'its cookie is not rewritten');
  t.same(new Set(await bodies(harness, 10, { cookie: pinned })), new Set(['b']), 'every request of the session stays there');
  const fresh = await harness.send();
  t.equal(fresh.body, 'a', 'a new client goes to the server that is not fenced');
  t.match(String(fresh.headers['set-cookie']), `pin=${stickyValue(backends[0]!.url)}`, 'and is pinned there');
});

t.test('a service whose servers are all fenced is unhealthy and answers 503 to new clients only', async (t) => {
  const { harness, backends } = await setup(t, [true, true], true);
  t.equal(harness.service.healthy(), false, 'the service reports no server for new clients');
  t.equal((await harness.send()).status, 503, 'a new client gets 503');
  const res = await harness.send({ headers: { cookie: `pin=${stickyValue(backends[0]!.url)}` } });
  t.equal(res.status, 200, 'a pinned client is still served');
  t.equal(res.body, 'a');
});
