import http from 'node:http';
import t from 'tap';
import { startKubeFake } from '../../helpers/kube-fake/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness.js';
import { addPod, endpointSlice, eventually, ingress, ingressClass, service, startPods, type Pod } from './fixtures.js';

// The provider imports client-node lazily; loading it here keeps its several seconds out of the tests' deadlines.
await import('@kubernetes/client-node');

/** One GET with a Host header over a keep-alive agent; resolves with the status and body, or the error text. */
function get(agent: http.Agent, port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', (error) => resolve({ status: 0, body: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end();
  });
}

/** The server URLs of every `@kubernetes` service in the routing table in force. */
function servedUrls(gw: TestGateway): string[] {
  const services = gw.gateway.table()?.status.services ?? {};
  return Object.entries(services)
    .filter(([name]) => name.endsWith('@kubernetes'))
    .flatMap(([, s]) => s.config.loadBalancer?.servers?.map((server) => server.url) ?? [])
    .sort();
}

/** A steady client: `workers` loops sending requests until stopped; every answer but 200 from a pod counts as a failure. */
function steadyClient(port: number, host: string, workers = 2) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const seen = new Map<string, number>();
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const answer = await get(agent, port, host);
      if (answer.status === 200) {
        ok++;
        seen.set(answer.body, (seen.get(answer.body) ?? 0) + 1);
      } else failures.push(`${answer.status} ${answer.body.slice(0, 120)}`);
    }
  });
  return {
    ok: () => ok,
    failures,
    seen,
    /** Resolves after `count` more successful requests. */
    async more(count: number) {
      const target = ok + count;
      await eventually(`${count} more requests`, () => ok >= target, 20_000);
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

const pathsOf = (pods: Pod[]) => pods.map((p) => `http://${p.ip}:${p.port}`).sort();

t.test('Ingress end to end: real traffic through the gateway while endpoints scale and the API goes away', async (t) => {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  const pods = await startPods(2);
  const port = pods[0]!.port;
  const extra: Pod[] = [];
  t.teardown(() => Promise.all([...pods, ...extra].map((p) => p.close())));
  fake.apply(ingressClass('switchyard'));
  fake.apply(service('default', 'web', port));
  const slice = (list: Pod[]) => fake.apply(endpointSlice('default', 'web-1', 'web', port, list.map((p) => p.ip)));
  slice(pods);

  const gw = await startTestGateway({ static: { providers: { kubernetesIngress: { kubeconfig: fake.kubeconfigPath } } } });
  t.teardown(() => gw.close());
  await eventually('the gateway ready after the first sync', () => gw.gateway.ready());

  await t.test('an applied Ingress routes real requests to the EndpointSlice pods', async (t) => {
    fake.apply(ingress('default', 'web', { host: 'web.test', service: 'web', port: 'http', className: 'switchyard' }));
    await eventually('both pods in the table', () => servedUrls(gw).join() === pathsOf(pods).join());
    const agent = new http.Agent({ keepAlive: true });
    t.teardown(() => agent.destroy());
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const answer = await get(agent, gw.port(), 'web.test');
      t.equal(answer.status, 200);
      bodies.add(answer.body);
    }
    t.same([...bodies].sort(), pods.map((p) => p.ip).sort(), 'both pods answered');
    t.equal((await get(agent, gw.port(), 'other.test')).status, 404, 'other hosts are not routed');
    const state = gw.gateway.view.providerStates().kubernetes;
    t.equal(state?.connected, true);
  });

  await t.test('scaling up and down and an API outage never fail a request to a ready pod', async (t) => {
    const client = steadyClient(gw.port(), 'web.test');
    t.teardown(() => client.stop());
    await client.more(20);

    const third = await addPod(port);
    extra.push(third);
    slice([...pods, third]);
    await eventually('the third pod in service', () => (client.seen.get(third.ip) ?? 0) > 0);

    // Scale down: the pod leaves the EndpointSlice first and is stopped only once no table sends to it.
    const leaving = pods[1]!;
    slice([pods[0]!, third]);
    await eventually('the pod out of the table', () => !servedUrls(gw).includes(`http://${leaving.ip}:${port}`));
    await client.more(20);
    await leaving.close();
    const hitsAfterStop = client.seen.get(leaving.ip) ?? 0;
    await client.more(40);
    t.equal(client.seen.get(leaving.ip) ?? 0, hitsAfterStop, 'the removed pod gets nothing');

    // Watch streams cut (an API server restart): the informers resume and traffic never notices.
    fake.cutWatches();
    await client.more(40);
    await eventually('the watches back', () => fake.openWatches() >= 5);

    // The API goes away: watches cut, new connections refused. Routes keep serving.
    fake.setUnreachable(true);
    await eventually('the provider reports the outage', () => gw.gateway.view.providerStates().kubernetes?.connected === false);
    await client.more(100);
    t.match(gw.gateway.view.providerStates().kubernetes?.lastError ?? '', /./, 'the error is reported');
    t.equal(gw.gateway.ready(), true, 'still ready: the last good configuration serves');
    // A change made during the outage is picked up when the API comes back.
    const fourth = await addPod(port);
    extra.push(fourth);
    slice([pods[0]!, third, fourth]);
    fake.setUnreachable(false);
    await eventually('the fourth pod in service after the API returned', () => (client.seen.get(fourth.ip) ?? 0) > 0, 45_000);
    await eventually('connected again', () => gw.gateway.view.providerStates().kubernetes?.connected === true);
    await client.more(20);
    await client.stop();
    t.same(client.failures, [], `no failed request out of ${client.ok()}`);
    t.ok(client.ok() > 200, 'the client kept sending throughout');
  });

  await t.test('deleting the Ingress removes its routes', async (t) => {
    fake.remove('Ingress', 'default', 'web');
    await eventually('no kubernetes service left', () => servedUrls(gw).length === 0);
    const agent = new http.Agent({ keepAlive: false });
    t.equal((await get(agent, gw.port(), 'web.test')).status, 404);
  });
});

t.test('/ready answers 503 until the first full sync, then 200', async (t) => {
  const fake = await startKubeFake();
  t.teardown(() => fake.close());
  fake.setUnreachable(true);
  const gw = await startTestGateway({ static: { providers: { kubernetesIngress: { kubeconfig: fake.kubeconfigPath } } } });
  t.teardown(() => gw.close());
  const agent = new http.Agent({ keepAlive: false });
  await eventually('the provider reports the failed list', () => gw.gateway.view.providerStates().kubernetes?.lastError);
  t.equal((await get(agent, gw.port('switchyard'), 'localhost', '/ready')).status, 503, 'not ready while the API cannot be listed');
  t.equal(gw.gateway.view.providerStates().kubernetes?.connected, false);
  fake.setUnreachable(false);
  // The first informer restart waits up to a few backoff steps (1 s, 2 s, 4 s…).
  await eventually('ready once the informers listed', async () => (await get(agent, gw.port('switchyard'), 'localhost', '/ready')).status === 200, 30_000);
  t.pass('ready after the first sync');
});
