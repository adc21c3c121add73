import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startBackend, type Backend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { spawnGateway, waitForStatus, type GatewayProcess } from '../helpers/spawn-gateway.js';
import { until as untilHolds } from '../helpers/until.js';
import { YOUNG_GENERATION_FLAG } from '../../src/workers/node-flags.js';

// Every test starts a control process and two workers; cold starts on a loaded 2-core machine take long.
t.setTimeout(300_000);

// Worker mode runs through the real command: `workers: 2` forks two data-plane processes fed by the control process.
const run = promisify(execFile);

async function workerPids(primary: number): Promise<number[]> {
  const text = await readFile(`/proc/${primary}/task/${primary}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

// Which processes hold connections to the back end: each worker forwards on its own pool, so a pid seen here served requests.
async function pidsConnectedTo(port: number): Promise<Set<number>> {
  const { stdout } = await run('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`]);
  return new Set([...stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
}

function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => untilHolds(what, check, timeoutMs, { everyMs: 100 });

interface Setup {
  gw: GatewayProcess;
  dir: string;
  web: number;
  internal: number;
  backend: Backend;
}

async function start(t: Test): Promise<Setup> {
  const backend = await startBackend((req, res) => setTimeout(() => res.end(`hello ${req.url}`), 50));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-workers-'));
  const [web, internal] = [await freePort(), await freePort()];
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    stringify({
      workers: 2,
      entryPoints: {
        web: { address: `127.0.0.1:${web}`, transport: { lifeCycle: { requestAcceptGraceTimeout: '1s', graceTimeOut: '10s' } } },
        switchyard: { address: `127.0.0.1:${internal}` },
      },
      ping: {},
      api: { insecure: true },
      metrics: { prometheus: {} },
      providers: { providersThrottleDuration: 0, file: { filename: 'dynamic.yaml' } },
    }),
  );
  await writeDynamic(dir, backend.url, '/');
  const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(async () => {
    for (const pid of await workerPids(gw.child.pid!)) process.kill(pid, 'SIGKILL');
    gw.child.kill('SIGKILL');
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
  return { gw, dir, web, internal, backend };
}

function writeDynamic(dir: string, url: string, prefix: string): Promise<void> {
  const routers = { app: { rule: `PathPrefix(\`${prefix}\`)`, service: 'app' } };
  return writeFile(path.join(dir, 'dynamic.yaml'), stringify({ http: { routers, services: { app: { loadBalancer: { servers: [{ url }] } } } } }));
}

t.test('two workers both serve requests and the control process reports ready and aggregated metrics', async (t) => {
  const { gw, web, internal, backend } = await start(t);
  const workers = await workerPids(gw.child.pid!);
  t.equal(workers.length, 2, 'two worker processes were forked');
  for (const pid of workers) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    t.ok(argv.includes(YOUNG_GENERATION_FLAG), `worker ${pid} runs with V8's young generation capped`);
  }
  // Seen over all rounds: the back end closes idle connections after 5 s, so a worker's pool may be empty by the next round.
  const seen = new Set<number>();
  const statuses = new Set<number>();
  await until('both workers forwarded requests', async () => {
    for (const status of await Promise.all(Array.from({ length: 40 }, () => get(web, '/')))) statuses.add(status);
    for (const pid of await pidsConnectedTo(backend.port)) seen.add(pid);
    return workers.every((pid) => seen.has(pid));
  });
  t.same([...statuses], [200], 'every request was answered 200');
  t.notOk((await pidsConnectedTo(backend.port)).has(gw.child.pid!), 'the control process forwards nothing itself');
  const metrics = await (await fetch(`http://127.0.0.1:${internal}/metrics`)).text();
  const total = Number(/switchyard_entrypoint_requests_total\{[^}]*entrypoint="web"[^}]*\} (\d+)/.exec(metrics)?.[1]);
  t.ok(total >= 40, `the metrics count the requests of every worker (${total})`);
});

t.test('a dynamic configuration change reaches every worker', async (t) => {
  const { gw, dir, web, internal, backend } = await start(t);
  await writeDynamic(dir, backend.url, '/moved');
  // Until every worker has the new table some of these connections still land on the old one; poll, then check many.
  await until('the new router answers', async () => (await get(web, '/moved')) === 200 && (await get(web, '/')) === 404);
  await until('/ready again (every worker acknowledged)', async () => (await fetch(`http://127.0.0.1:${internal}/ready`)).status === 200);
  const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => get(web, i % 2 ? '/moved' : '/')));
  t.same(new Set(statuses.filter((_, i) => i % 2)), new Set([200]), 'the new route is served by every worker');
  t.same(new Set(statuses.filter((_, i) => i % 2 === 0)), new Set([404]), 'the old route is gone in every worker');
  t.equal((await workerPids(gw.child.pid!)).length, 2);
});

t.test('a killed worker is replaced and SIGTERM drains every worker and exits 0', async (t) => {
  const { gw, web, internal } = await start(t);
  const [victim, survivor] = await workerPids(gw.child.pid!);
  process.kill(victim!, 'SIGKILL');
  await until('a new worker was forked', async () => {
    const now = await workerPids(gw.child.pid!);
    return now.length === 2 && !now.includes(victim!) && now.includes(survivor!);
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200, 60_000);
  t.pass('ready again once the new worker applied the configuration');
  const statuses = await Promise.all(Array.from({ length: 20 }, () => get(web, '/')));
  t.same(new Set(statuses), new Set([200]), 'requests are answered after the replacement');

  const workers = await workerPids(gw.child.pid!);
  const inflight = new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: web, path: '/slow', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 20));
  gw.child.kill('SIGTERM');
  t.equal(await inflight, 200, 'the in-flight request completed');
  t.equal(await gw.exited, 0, 'the control process exited 0');
  for (const pid of workers) t.throws(() => process.kill(pid, 0), 'worker ' + pid + ' exited too');
});
