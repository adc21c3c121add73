import t from 'tap';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { startBackend } from '../../helpers/backends.js';

// Issue 8: a reload reuses what did not change, and what it drops still serves requests already on the old table.
t.test('a reload reuses unchanged services, rebuilds changed ones and keeps serving through both', async (t) => {
  const one = await startBackend((_req, res) => res.end('one'));
  const two = await startBackend((_req, res) => res.end('two'));
  const config = (second: string, extra: Record<string, unknown> = {}) => ({
    http: {
      routers: { a: { rule: 'Path(`/a`)', service: 'a' }, b: { rule: 'Path(`/b`)', service: 'b' }, ...extra },
      services: { a: { loadBalancer: { servers: [{ url: one.url }] } }, b: { loadBalancer: { servers: [{ url: second }] } } },
    },
  });
  const gw = await startTestGateway({ dynamic: { 'app.yaml': config(one.url) } });
  t.teardown(async () => {
    await gw.close();
    await one.close();
    await two.close();
  });
  const first = gw.gateway.table()!;
  await gw.writeDynamic('app.yaml', config(two.url, { c: { rule: 'Path(`/c`)', service: 'a' } }));
  const second = gw.gateway.table()!;
  t.ok(second.version > first.version);
  t.equal(second.services.get('a@file')!.handle, first.services.get('a@file')!.handle, 'the unchanged service is reused');
  t.not(second.services.get('b@file')!.handle, first.services.get('b@file')!.handle, 'the changed service is rebuilt');
  for (const [path, body] of [['/a', 'one'], ['/b', 'two'], ['/c', 'one']]) {
    const res = await fetch(gw.url(path!));
    t.equal(await res.text(), body, `${path} answers from its current service`);
  }
  t.equal(second.status.routers['c@file']?.status, 'enabled');
  t.same(second.status.services['a@file']?.usedBy.sort(), ['a@file', 'c@file'], 'status is computed afresh for the new table');
});

t.test('an element that turns invalid is reported again although its earlier form was valid', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    dynamic: { 'app.yaml': { http: { routers: { a: { rule: 'Path(`/a`)', service: 's' } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  await gw.writeDynamic('app.yaml', { http: { routers: { a: { rule: 'Path(`/a`)', service: 's', priority: 'high' } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } });
  t.equal(gw.gateway.table()!.status.routers['a@file']?.status, 'disabled');
  await gw.writeDynamic('app.yaml', { http: { routers: { a: { rule: 'Path(`/a`)', service: 's' } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } } });
  t.equal(gw.gateway.table()!.status.routers['a@file']?.status, 'enabled');
  t.equal((await fetch(gw.url('/a'))).status, 200);
});

t.test('an unchanged router follows its service through a change, a removal and a return', async (t) => {
  const one = await startBackend((_req, res) => res.end('one'));
  const two = await startBackend((_req, res) => res.end('two'));
  const config = (url: string | undefined, other: boolean) => ({
    http: {
      routers: { a: { rule: 'Path(`/a`)', service: 's' }, b: { rule: 'Path(`/b`)', service: 'b' }, ...(other ? { c: { rule: 'Path(`/c`)', service: 'b' } } : {}) },
      services: { b: { loadBalancer: { servers: [{ url: one.url }] } }, ...(url ? { s: { loadBalancer: { servers: [{ url }] } } } : {}) },
    },
  });
  const gw = await startTestGateway({ dynamic: { 'app.yaml': config(one.url, false) } });
  t.teardown(async () => {
    await gw.close();
    await one.close();
    await two.close();
  });
  // [server of s (none: removed), another router added, expected status and body of /a]; the last step changes
  // only another router, so router a and service s are both reused.
  const steps: Array<[string | undefined, boolean, number, string]> = [
    [two.url, false, 200, 'two'],
    [undefined, false, 404, ''],
    [one.url, false, 200, 'one'],
    [one.url, true, 200, 'one'],
  ];
  for (const [url, other, status, body] of steps) {
    const before = gw.gateway.table()!.version;
    await gw.writeDynamic('app.yaml', config(url, other));
    t.ok(gw.gateway.table()!.version > before, 'the change was applied');
    t.equal(gw.gateway.table()!.status.routers['a@file']?.status, url ? 'enabled' : 'disabled');
    const res = await fetch(gw.url('/a'));
    t.equal(res.status, status, `/a answers ${status} with service s ${url ? 'at a server' : 'removed'}`);
    if (status === 200) t.equal(await res.text(), body);
    else await res.arrayBuffer();
  }
});

t.test('a health-checked service is probed while any table uses it, and no longer once a reload removed it', async (t) => {
  let probes = 0;
  const backend = await startBackend((req, res) => {
    if (req.url === '/health') probes++;
    res.end('ok');
  });
  const checked = { loadBalancer: { servers: [{ url: backend.url }], healthCheck: { path: '/health', interval: '100ms', timeout: '1s' } } };
  const config = (withChecked: boolean, marker: string) => ({
    http: {
      routers: { [marker]: { rule: 'Path(`/m`)', service: 'plain' }, ...(withChecked && { c: { rule: 'Path(`/c`)', service: 'checked' } }) },
      services: { plain: { loadBalancer: { servers: [{ url: backend.url }] } }, ...(withChecked && { checked }) },
    },
  });
  const gw = await startTestGateway({ dynamic: { 'app.yaml': config(true, 'm1') } });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const waitForProbes = async (more: number) => {
    const target = probes + more;
    const deadline = Date.now() + 20_000;
    while (probes < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return probes >= target;
  };
  t.ok(await waitForProbes(3), 'the service is probed');
  // Another element changes: the checked service is reused by the new table and its probing goes on.
  await gw.writeDynamic('app.yaml', config(true, 'm2'));
  t.ok(await waitForProbes(3), 'still probed after a reload that kept it');
  await gw.writeDynamic('app.yaml', config(false, 'm3'));
  // The old table retires once its requests are done (none here); a probe already in flight may still land.
  await new Promise((r) => setTimeout(r, 500));
  const after = probes;
  await new Promise((r) => setTimeout(r, 1_500));
  t.ok(probes - after <= 1, `no probing after the removal (${probes - after} probes in 1.5 s, at 100 ms intervals)`);
});
