import t from 'tap';
import { request } from 'undici';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

/** One sample of the exposition text: metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample whose labels include `labels`, or undefined. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

t.test('metrics on /metrics follow real traffic, with Traefik names and labels', async (t) => {
  const backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => res.end(req.url === '/health' ? '' : 'ok'));
  });
  const lb = { loadBalancer: { servers: [{ url: backend.url }], healthCheck: { path: '/health', interval: '100ms' } } };
  const dynamic = (withGone: boolean) => ({
    http: {
      routers: { app: { rule: 'PathPrefix(`/app`)', service: 'app' }, ...(withGone && { gone: { rule: 'PathPrefix(`/gone`)', service: 'gone' } }) },
      services: { app: lb, ...(withGone && { gone: { loadBalancer: { servers: [{ url: backend.url }] } } }) },
    },
  });
  const gw = await startTestGateway({
    static: { metrics: { prometheus: { addRoutersLabels: true, headerLabels: { tenant: 'X-Tenant' } } } },
    dynamic: { 'routes.yaml': dynamic(true) },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const scrape = async () => {
    const res = await request(gw.url('/metrics', 'switchyard'));
    t.match(res.headers['content-type'], /^text\/plain/);
    return parse(await res.body.text());
  };
  const send = async (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const res = await request(gw.url(path), { method: (init.method ?? 'GET') as 'GET', body: init.body, headers: init.headers });
    await res.body.text();
    return res.statusCode;
  };

  t.equal(await send('/app', { headers: { 'x-tenant': 'acme' } }), 200);
  t.equal(await send('/app/x', { headers: { 'x-tenant': 'acme' } }), 200);
  t.equal(await send('/app', { method: 'POST', body: 'hello' }), 200);
  t.equal(await send('/app', { method: 'PROPFIND' }), 200);
  t.equal(await send('/gone'), 200);
  t.equal(await send('/nowhere'), 404);

  const cases: Array<[string, string, Record<string, string>, number]> = [
    ['GETs are counted per entry point with the header label', 'switchyard_entrypoint_requests_total', { code: '200', method: 'GET', protocol: 'http', entrypoint: 'web', tenant: 'acme' }, 2],
    ['a request without the header gets an empty header label', 'switchyard_entrypoint_requests_total', { code: '200', method: 'POST', entrypoint: 'web', tenant: '' }, 1],
    ['a non-standard verb is EXTENSION_METHOD', 'switchyard_entrypoint_requests_total', { method: 'EXTENSION_METHOD', entrypoint: 'web' }, 1],
    ['a request no router took counts at the entry point', 'switchyard_entrypoint_requests_total', { code: '404', entrypoint: 'web' }, 1],
    ['request body bytes are counted', 'switchyard_entrypoint_requests_bytes_total', { code: '200', method: 'POST', entrypoint: 'web' }, 5],
    ['response body bytes are counted (three GETs of "ok")', 'switchyard_entrypoint_responses_bytes_total', { code: '200', method: 'GET', entrypoint: 'web' }, 6],
    ['the duration histogram counts each request', 'switchyard_entrypoint_request_duration_seconds_count', { code: '200', method: 'GET', entrypoint: 'web' }, 3],
    ['the duration histogram uses the default buckets', 'switchyard_entrypoint_request_duration_seconds_bucket', { code: '200', method: 'GET', entrypoint: 'web', le: '5' }, 3],
    ['service durations are observed', 'switchyard_service_request_duration_seconds_count', { code: '200', method: 'GET', service: 'app@file' }, 2],
    ['routers are labelled with their qualified service', 'switchyard_router_requests_total', { code: '200', method: 'GET', router: 'app@file', service: 'app@file', tenant: 'acme' }, 2],
    ['services are counted with qualified names', 'switchyard_service_requests_total', { code: '200', method: 'GET', protocol: 'http', service: 'app@file', tenant: 'acme' }, 2],
    ['service response bytes are counted', 'switchyard_service_responses_bytes_total', { code: '200', method: 'POST', service: 'app@file' }, 2],
    ['the first configuration counts as a reload', 'switchyard_config_reloads_total', {}, 1],
  ];
  let samples = await scrape();
  for (const [name, metric, labels, expected] of cases) t.equal(value(samples, metric, labels), expected, name);
  t.ok((value(samples, 'switchyard_config_last_reload_success') ?? 0) > Date.now() / 1000 - 60, 'the last reload time is a recent unix time');
  t.equal(value(samples, 'switchyard_router_requests_total', { code: '404' }), undefined, 'a request no router took has no router series');

  t.test('open connections count the keep-alive connection in use', async (t) => {
    const open = value(await scrape(), 'switchyard_open_connections', { entrypoint: 'web', protocol: 'TCP' });
    t.ok(open !== undefined && open >= 1, `open connections: ${open}`);
  });

  t.test('a health-checked server is reported up', async (t) => {
    let up: number | undefined;
    for (let i = 0; i < 50 && up === undefined; i++) {
      up = value(await scrape(), 'switchyard_service_server_up', { service: 'app@file', url: backend.url });
      if (up === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    t.equal(up, 1);
    t.equal(value(await scrape(), 'switchyard_service_server_up', { service: 'gone@file' }), undefined, 'a service without health check has no server_up series');
  });

  t.test('series of a removed router and service disappear after one scrape', async (t) => {
    await gw.writeDynamic('routes.yaml', dynamic(false));
    samples = await scrape();
    t.equal(value(samples, 'switchyard_config_reloads_total'), 2, 'the reload is counted');
    t.equal(value(samples, 'switchyard_router_requests_total', { router: 'gone@file' }), 1, 'the first scrape still shows the last value');
    samples = await scrape();
    t.equal(value(samples, 'switchyard_router_requests_total', { router: 'gone@file' }), undefined, 'then the router series is gone');
    t.equal(value(samples, 'switchyard_service_requests_total', { service: 'gone@file' }), undefined, 'and the service series too');
    t.equal(value(samples, 'switchyard_service_request_duration_seconds_count', { service: 'gone@file' }), undefined, 'histograms included');
    t.equal(value(samples, 'switchyard_router_requests_total', { router: 'app@file', method: 'POST' }), 1, 'live routers keep theirs');
    t.equal(value(samples, 'switchyard_entrypoint_requests_total', { code: '200', method: 'GET', entrypoint: 'web', tenant: '' }), 1, 'entry point series stay');
  });
});

t.test('the prefix is configurable and levels can be switched off', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    static: { metrics: { prefix: 'traefik', prometheus: { addEntryPointsLabels: false, addServicesLabels: false, buckets: [0.5, 1] } } },
    dynamic: { 'routes.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  await (await request(gw.url('/'))).body.text();
  const text = await (await request(gw.url('/metrics', 'switchyard'))).body.text();
  const samples = parse(text);
  const cases: Array<[string, boolean]> = [
    ['traefik_config_reloads_total', true],
    ['traefik_open_connections', true],
    ['traefik_entrypoint_requests_total', false],
    ['traefik_service_requests_total', false],
    ['traefik_router_requests_total', false],
    ['switchyard_config_reloads_total', false],
  ];
  for (const [name, present] of cases) t.equal(samples.some((s) => s.name === name), present, `${name} is ${present ? 'present' : 'absent'}`);
});

t.test("a router's observability.metrics switch hides it from router and service metrics only", async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const service = { loadBalancer: { servers: [{ url: backend.url }] } };
  const gw = await startTestGateway({
    static: { metrics: { prometheus: { addRoutersLabels: true } } },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            hidden: { rule: 'PathPrefix(`/hidden`)', service: 'quiet', observability: { metrics: false } },
            shown: { rule: 'PathPrefix(`/shown`)', service: 'loud' },
          },
          services: { quiet: service, loud: service },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  for (const p of ['/hidden', '/shown']) await (await request(gw.url(p))).body.text();
  const samples = parse(await (await request(gw.url('/metrics', 'switchyard'))).body.text());
  t.equal(value(samples, 'switchyard_entrypoint_requests_total', { code: '200', entrypoint: 'web' }), 2, 'the entry point counts both');
  t.equal(value(samples, 'switchyard_router_requests_total', { router: 'shown@file' }), 1);
  t.equal(value(samples, 'switchyard_service_requests_total', { service: 'loud@file' }), 1);
  t.equal(value(samples, 'switchyard_router_requests_total', { router: 'hidden@file' }), undefined);
  t.equal(value(samples, 'switchyard_service_requests_total', { service: 'quiet@file' }), undefined);
});
