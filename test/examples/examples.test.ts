import t from 'tap';
import { bootExample, tally } from '../helpers/example.js';

// Every example in examples/ is booted as written and checked (AGENTS: every example runs in a test).
t.test('quickstart balances across its two demo servers and answers ping', async (t) => {
  const example = await bootExample('quickstart');
  t.teardown(() => example.close());
  t.same(await tally(example.url('/hello'), 10), { 'demo-1': 5, 'demo-2': 5 }, 'round-robin over both servers');
  const ping = await fetch(example.url('/ping', 'switchyard'));
  t.equal(ping.status, 200);
  t.equal(await ping.text(), 'OK');
  const dashboard = await fetch(example.url('/dashboard/', 'switchyard'));
  t.equal(dashboard.status, 200, 'the dashboard is served');
  t.match(await dashboard.text(), /<html/i);
  const routers = (await (await fetch(example.url('/api/http/routers', 'switchyard'))).json()) as Array<{ name: string }>;
  t.same(routers.map((r) => r.name), ['demo@file'], 'the API lists the demo router');
  const metrics = await (await fetch(example.url('/metrics', 'switchyard'))).text();
  t.match(metrics, /switchyard_entrypoint_requests_total\{[^}]*entrypoint="web"/, 'metrics count the requests');
});

t.test('weighted-canary sends one request in ten to the canary', async (t) => {
  const example = await bootExample('weighted-canary');
  t.teardown(() => example.close());
  t.same(await tally(example.url('/'), 100), { 'demo-1': 90, 'demo-2': 10 });
});

t.test('failover moves to the backup when the primary fails its health check, and back', async (t) => {
  const example = await bootExample('failover');
  t.teardown(() => example.close());
  t.same(await tally(example.url('/'), 4), { 'demo-1': 4 }, 'the healthy primary serves');
  const primary = example.backends[0]!;
  const port = primary.port;
  await primary.close();
  const waitFor = async (server: string) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const response = await fetch(example.url('/'));
      await response.text();
      if (response.headers.get('x-demo-server') === server) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  t.ok(await waitFor('demo-2'), 'the backup serves once the primary is DOWN');
  t.same(await tally(example.url('/'), 4), { 'demo-2': 4 }, 'and keeps serving');
  const { startDemoBackend } = await import('../../examples/demo-backend.js');
  const revived = await startDemoBackend('demo-1', port);
  example.backends[0] = revived;
  t.ok(await waitFor('demo-1'), 'the primary takes over again once it is UP');
});

t.test('middlewares-tour shows each middleware in front of the demo servers', async (t) => {
  const example = await bootExample('middlewares-tour');
  t.teardown(() => example.close());
  const status = example.gateway.table()!.status;
  t.same(Object.values(status.middlewares).filter((m) => m.status !== 'enabled').map((m) => m.name), [], 'every middleware is enabled');

  const api = await fetch(example.url('/api/users'), { headers: { Origin: 'https://app.example.com' } });
  const body = (await api.json()) as { url: string };
  t.equal(body.url, '/users', 'stripPrefix removed /api');
  t.equal(api.headers.get('access-control-allow-origin'), 'https://app.example.com', 'CORS allows the listed origin');
  t.equal(api.headers.get('x-frame-options'), 'DENY', 'the entry point middleware added security headers');

  const anonymous = await fetch(example.url('/admin'));
  t.equal(anonymous.status, 401, 'basicAuth asks for a user');
  await anonymous.text();
  const admin = await fetch(example.url('/admin'), { headers: { Authorization: `Basic ${Buffer.from('admin:switchyard').toString('base64')}` } });
  t.equal(admin.status, 200, 'and lets the right one in');
  await admin.text();

  const old = await fetch(example.url('/old/page?x=1'), { redirect: 'manual' });
  t.equal(old.status, 301, 'redirectRegex answers permanently');
  t.match(old.headers.get('location') ?? '', /\/new\/page\?x=1$/);

  const site = await fetch(example.url('/index.html'), { headers: { 'Accept-Encoding': 'gzip' } });
  t.equal(site.headers.get('content-encoding'), 'gzip', 'compress encodes what the client accepts');
  t.match(await site.text(), /"server": "demo-/, 'and the body still decodes');
});
