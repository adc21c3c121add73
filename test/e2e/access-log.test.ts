import t, { type Test as TapTest } from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import bcrypt from 'bcryptjs';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { startBackend, type Backend } from '../helpers/backends.js';

// Paths this file's tests sent: other test files run in parallel on the same loopback, and a stray
// request from one of them (a poll to a port this gateway reused) must not count as ours.
const sentPaths = new Set<string>();
const ours = (line: string) => [...sentPaths].some((p) => line.includes(`"GET ${p} `) || line.includes(`"RequestPath":${JSON.stringify(p)}`));

/** Waits until the access log file holds `count` lines of this file's requests (the stream writes asynchronously), then returns them. */
async function lines(file: string, count: number): Promise<string[]> {
  for (let i = 0; i < 500; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const found = text.split('\n').filter(Boolean).filter(ours);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} did not reach ${count} lines`);
}

async function withGateway(t: TapTest, accessLog: Record<string, unknown>, loadBalancer: Record<string, unknown> = {}): Promise<{ gw: TestGateway; backend: Backend; file: string }> {
  const backend = await startBackend((req, res) => {
    // Far above the minDuration filter below, which is far above what a fast request takes even on a loaded machine.
    const delay = req.url?.includes('slow') ? 1500 : 0;
    setTimeout(() => {
      res.setHeader('X-Upstream', 'yes');
      if (req.url?.includes('cookie')) res.setHeader('Set-Cookie', 'backend=1');
      res.statusCode = req.url?.includes('teapot') ? 418 : 200;
      res.end('hello');
    }, delay);
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-access-'));
  const file = path.join(dir, 'logs', 'access.log');
  const gw = await startTestGateway({
    static: { accessLog: { filePath: file, ...accessLog } },
    dynamic: { 'routes.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }], ...loadBalancer } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { gw, backend, file };
}

const send = async (url: string, headers: Record<string, string> = {}) => {
  const { pathname, search } = new URL(url);
  sentPaths.add(pathname + search);
  return (await request(url, { headers })).body.text();
};

t.test('each format writes one line per request', async (t) => {
  const browser = { 'user-agent': 'probe/1.0', referer: 'http://ref.test/' };
  const cases: Array<[string, string, (t: TapTest, line: string, backend: Backend) => void]> = [
    [
      'common is Traefik CLF with count, router, server URL and duration',
      'common',
      (t, line, backend) =>
        t.match(line, new RegExp(`^127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "GET /x\\?q=1 HTTP/1\\.1" 200 5 "http://ref\\.test/" "probe/1\\.0" 1 "app@file" "${backend.url.replace(/\./g, '\\.')}" \\d+ms$`)),
    ],
    ['genericCLF stops after the user agent', 'genericCLF', (t, line) => t.match(line, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/x\?q=1 HTTP\/1\.1" 200 5 "http:\/\/ref\.test\/" "probe\/1\.0"$/)],
    [
      'json has Traefik field names and sorted keys',
      'json',
      (t, line, backend) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        t.match(entry, {
          RouterName: 'app@file',
          ServiceName: 'app@file',
          ServiceURL: backend.url,
          ServiceAddr: `127.0.0.1:${backend.port}`,
          ClientHost: '127.0.0.1',
          RequestMethod: 'GET',
          RequestPath: '/x?q=1',
          RequestProtocol: 'HTTP/1.1',
          RequestScheme: 'http',
          DownstreamStatus: 200,
          DownstreamContentSize: 5,
          OriginStatus: 200,
          RetryAttempts: 0,
          RequestCount: 1,
          level: 'info',
          msg: '',
        });
        t.match(entry.StartUTC, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
        t.type(entry.Duration, 'number');
        t.same(Object.keys(entry), Object.keys(entry).sort(), 'keys are sorted');
        t.notOk('request_User-Agent' in entry, 'headers are dropped by default');
      },
    ],
  ];
  for (const [name, format, check] of cases) {
    await t.test(name, async (t) => {
      const { gw, backend, file } = await withGateway(t, { format });
      await send(gw.url('/x?q=1'), browser);
      const [line] = await lines(file, 1);
      check(t, line!, backend);
    });
  }
});

t.test('filters select the requests that are logged', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string[], string[]]> = [
    ['status codes and ranges', { statusCodes: ['400-499'] }, ['/ok', '/teapot', '/ok2'], ['/teapot']],
    ['a minimum duration', { minDuration: '1s' }, ['/fast', '/slow'], ['/slow']],
    ['either filter is enough', { statusCodes: ['418'], minDuration: '1s' }, ['/fast', '/slow', '/teapot'], ['/slow', '/teapot']],
  ];
  for (const [name, filters, paths, logged] of cases) {
    await t.test(name, async (t) => {
      const { gw, file } = await withGateway(t, { format: 'json', filters });
      for (const p of paths) await send(gw.url(p));
      // A last request that every filter keeps marks the end of the run.
      await send(gw.url('/slow/teapot'));
      const found = (await lines(file, logged.length + 1)).map((l) => (JSON.parse(l) as { RequestPath: string }).RequestPath);
      t.same(found, [...logged, '/slow/teapot']);
    });
  }
});

t.test('fields and headers are kept, dropped or redacted', async (t) => {
  const headers = { 'user-agent': 'probe/1.0', authorization: 'Bearer secret', 'x-secret': 'hush', 'x-plain': 'visible' };
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    [
      'header names override a drop default',
      { headers: { names: { 'User-Agent': 'keep', Authorization: 'redact' } } },
      { 'request_User-Agent': 'probe/1.0', request_Authorization: 'REDACTED' },
      ['request_X-Secret', 'request_X-Plain', 'downstream_X-Upstream'],
    ],
    [
      'a keep default logs request and response headers but honours drop and redact',
      { headers: { defaultMode: 'keep', names: { 'x-secret': 'drop', authorization: 'redact' } } },
      { 'request_X-Plain': 'visible', request_Authorization: 'REDACTED', 'downstream_X-Upstream': 'yes' },
      ['request_X-Secret'],
    ],
    ['a field can be dropped', { names: { ClientHost: 'drop', Duration: 'drop' } }, { RouterName: 'app@file' }, ['ClientHost', 'Duration']],
    ['a drop default keeps only the named fields', { defaultMode: 'drop', names: { RequestPath: 'keep' } }, { RequestPath: '/' }, ['RouterName', 'StartUTC']],
  ];
  for (const [name, fields, present, absent] of cases) {
    await t.test(name, async (t) => {
      const { gw, file } = await withGateway(t, { format: 'json', fields });
      await send(gw.url('/'), headers);
      const entry = JSON.parse((await lines(file, 1))[0]!) as Record<string, unknown>;
      t.match(entry, present);
      for (const key of absent) t.notOk(key in entry, `${key} is absent`);
    });
  }
});

t.test('response headers are logged as sent: the gateway\'s own cookie and the server\'s, once each', async (t) => {
  const sticky = { sticky: { cookie: { name: 'lb' } } };
  const { gw, file } = await withGateway(t, { format: 'json', fields: { headers: { defaultMode: 'keep' } } }, sticky);
  await send(gw.url('/cookie'));
  const entry = JSON.parse((await lines(file, 1))[0]!) as Record<string, unknown>;
  // Several lines of one field are logged joined, as Traefik does.
  t.match(entry['downstream_Set-Cookie'], /^lb=[0-9a-f]+; Path=\/, backend=1$/, 'the sticky cookie first, as on the wire, then the server\'s');
});

t.test('a dropped field shows as - in common lines, and buffered lines still arrive', async (t) => {
  const { gw, file } = await withGateway(t, { format: 'common', bufferingSize: 3, fields: { names: { ClientHost: 'drop' } } });
  for (let i = 0; i < 3; i++) await send(gw.url(`/n${i}`));
  const found = await lines(file, 3);
  t.equal(found.length, 3);
  t.match(found[2], /^- - - \[.*\] "GET \/n2 HTTP\/1\.1" 200 5 "-" "-" 3 "app@file" /);
});

t.test("a router's observability.accessLogs switch turns its access log off", async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-access-'));
  const file = path.join(dir, 'access.log');
  const service = { loadBalancer: { servers: [{ url: backend.url }] } };
  const gw = await startTestGateway({
    static: { accessLog: { filePath: file, format: 'json' } },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            quiet: { rule: 'PathPrefix(`/quiet`)', service: 'app', observability: { accessLogs: false } },
            loud: { rule: 'PathPrefix(`/loud`)', service: 'app' },
          },
          services: { app: service },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  await send(gw.url('/quiet'));
  await send(gw.url('/loud'));
  const found = (await lines(file, 1)).map((l) => (JSON.parse(l) as { RequestPath: string }).RequestPath);
  t.same(found, ['/loud']);
});

t.test('the user a basicAuth middleware verified is the CLF user', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-access-'));
  const file = path.join(dir, 'access.log');
  const gw = await startTestGateway({
    static: { accessLog: { filePath: file } },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: { app: { rule: 'PathPrefix(`/`)', service: 'app', middlewares: ['auth'] } },
          middlewares: { auth: { basicAuth: { users: [`alice:${bcrypt.hashSync('secret', 4)}`] } } },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  await send(gw.url('/in'), { authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` });
  await send(gw.url('/out'));
  const found = await lines(file, 2);
  t.match(found[0], /^127\.0\.0\.1 - alice \[.*"GET \/in HTTP\/1\.1" 200 /);
  t.match(found[1], /^127\.0\.0\.1 - - \[.*"GET \/out HTTP\/1\.1" 401 /);
});
