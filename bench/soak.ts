// Soak driver (bench/soak.sh runs it): a real `switchyard` process under steady keep-alive load while its
// configuration reloads every second, a server is killed and restarted, the http provider's endpoint is cut
// and restored, and the gateway upgrades itself three times. Counts failed requests to healthy servers and
// samples the serving process's RSS. Usage: node --import ./bin/ts-hooks.js bench/soak.ts [seconds] [workers]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const BIN = fileURLToPath(new URL('../bin/switchyard.js', import.meta.url));
const seconds = Number(process.argv[2] ?? 240);
const workers = Number(process.argv[3] ?? 8);

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  return port;
}

/** A backend answering its name, restartable on the same port. */
async function backend(name: string, port: number): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  let server: http.Server | undefined;
  const start = async (): Promise<void> => {
    server = http.createServer((_req, res) => res.end(name)).listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    start,
    async stop() {
      server!.closeAllConnections();
      server!.close();
      await once(server!, 'close');
    },
  };
}

/** The http provider's endpoint: serves one router; can be cut (closed) and restored on the same port. */
async function configServer(port: number, body: string): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  let server: http.Server | undefined;
  const restore = async (): Promise<void> => {
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body)).listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  await restore();
  return {
    url: `http://127.0.0.1:${port}/config`,
    restore,
    async cut() {
      server!.closeAllConnections();
      server!.close();
      await once(server!, 'close');
    },
  };
}

function rssOf(pid: number, status: string): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-soak-'));
  const [web, internal, pa, pb, pc, pconf] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const [a, b, c] = await Promise.all([backend('a', pa), backend('b', pb), backend('c', pc)]);
  const viaHttp = JSON.stringify({ http: { routers: { remote: { rule: 'PathPrefix(`/via-http`)', service: 'remote' } }, services: { remote: { loadBalancer: { servers: [{ url: a.url }] } } } } });
  const source = await configServer(pconf, viaHttp);
  const pidFile = path.join(dir, 'switchyard.pid');
  await mkdir(path.join(dir, 'dyn'));
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    stringify({
      entryPoints: { web: { address: `127.0.0.1:${web}`, transport: { lifeCycle: { graceTimeOut: '10s' } } }, switchyard: { address: `127.0.0.1:${internal}` } },
      ping: {},
      api: { insecure: true },
      log: { level: 'WARN' },
      providers: {
        providersThrottleDuration: '200ms',
        file: { directory: 'dyn', watch: true },
        http: { endpoint: source.url, pollInterval: '1s', pollTimeout: '2s' },
      },
    }),
  );
  const stable = {
    http: {
      routers: {
        healthy: { rule: 'PathPrefix(`/healthy`)', service: 'healthy' },
        mixed: { rule: 'PathPrefix(`/mixed`)', service: 'mixed' },
      },
      services: {
        healthy: { loadBalancer: { servers: [{ url: a.url }, { url: b.url }] } },
        mixed: { loadBalancer: { servers: [{ url: b.url }, { url: c.url }], passiveHealthCheck: { failureWindow: '3s' }, healthCheck: { path: '/', interval: '1s', timeout: '1s' } } },
      },
    },
  };
  await writeFile(path.join(dir, 'dyn', 'stable.yaml'), stringify(stable));
  let reloads = 0;
  const reload = async (): Promise<void> => {
    reloads++;
    const churn = { http: { routers: { [`churn-${reloads % 5}`]: { rule: `Path(\`/churn/${reloads}\`)`, service: 'healthy@file' } } } };
    await writeFile(path.join(dir, 'dyn', 'churn.yaml.tmp'), stringify(churn));
    await rename(path.join(dir, 'dyn', 'churn.yaml.tmp'), path.join(dir, 'dyn', 'churn.yaml'));
  };
  await reload();

  const log = path.join(dir, 'gateway.log');
  const out = await import('node:fs').then((fs) => fs.openSync(log, 'a'));
  const first = spawn(process.execPath, [BIN, '--configFile=switchyard.yaml', `--pidFile=${pidFile}`], { cwd: dir, stdio: ['ignore', out, out] });
  const base = `http://127.0.0.1:${web}`;
  const readPid = async (): Promise<number> => Number((await readFile(pidFile, 'utf8').catch(() => '0')).trim());
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${internal}/ready`).then((r) => r.status === 200, () => false);
    if (ok && (await fetch(`${base}/via-http`).then((r) => r.status === 200, () => false))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`gateway ${first.pid} ready; soaking for ${seconds}s with ${workers} keep-alive workers on /healthy, 2 on /via-http, 2 on /mixed`);

  const counts: Record<string, { ok: number; failed: number; errors: Record<string, number> }> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers + 4 });
  let stop = false;
  const get = (route: string): Promise<void> =>
    new Promise((resolve) => {
      const c = (counts[route] ??= { ok: 0, failed: 0, errors: {} });
      const fail = (why: string): void => {
        c.failed++;
        c.errors[why] = (c.errors[why] ?? 0) + 1;
        resolve();
      };
      const req = http.get(`${base}${route}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? (c.ok++, resolve()) : fail(String(res.statusCode))));
        res.on('error', (e) => fail(e.message));
      });
      req.on('error', (e) => fail((e as NodeJS.ErrnoException).code ?? e.message));
    });
  const loop = async (route: string): Promise<void> => {
    while (!stop) await get(route);
  };
  const loops = [...Array.from({ length: workers }, () => loop('/healthy')), loop('/via-http'), loop('/via-http'), loop('/mixed'), loop('/mixed')];

  const events: string[] = [];
  const t0 = Date.now();
  const at = (fraction: number): number => t0 + fraction * seconds * 1000;
  const note = (what: string): void => {
    const line = `${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`;
    events.push(line);
    console.log(line);
  };
  const upgrade = async (): Promise<void> => {
    const before = await readPid();
    const child = spawn(process.execPath, [BIN, 'upgrade', `--pidFile=${pidFile}`, '--timeout=120'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const [code] = await once(child, 'exit');
    note(`upgrade from ${before}: exit ${code}, ${output.trim()}`);
  };
  // Upgrades wait for every provider's first configuration, so the provider cut sits between two upgrades
  // (an upgrade during the cut fails safely: the running process keeps serving; see docs/operations.md).
  const plan: Array<[number, string, () => Promise<void>]> = [
    [0.1, 'kill server c', () => c.stop()],
    [0.2, 'restart server c', () => c.start()],
    [0.25, 'upgrade 1', upgrade],
    [0.35, 'cut the http provider endpoint', () => source.cut()],
    [0.45, 'restore the http provider endpoint', () => source.restore()],
    [0.5, 'upgrade 2', upgrade],
    [0.75, 'upgrade 3', upgrade],
  ];
  const reloader = setInterval(() => void reload(), 1000);
  const samples: Array<{ t: number; pid: number; rssMiB: number; version: number }> = [];
  const sampler = setInterval(async () => {
    const pid = await readPid();
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    // The routing table version of whichever process answers the internal entry point (the newest one).
    const version = await fetch(`http://127.0.0.1:${internal}/api/providers`).then(async (r) => ((await r.json()) as { version: number }).version, () => 0);
    if (status) samples.push({ t: Math.round((Date.now() - t0) / 1000), pid, rssMiB: Math.round(rssOf(pid, status) * 10) / 10, version });
  }, 5000);
  for (const [fraction, what, action] of plan) {
    // A slow upgrade (process start-up on a busy machine) delays the rest: events stay 10 s apart at least.
    const wait = Math.max(at(fraction) - Date.now(), events.length ? 10_000 : 0);
    await new Promise((r) => setTimeout(r, wait));
    note(`${what} ...`);
    await action();
    note(`${what} done`);
  }
  // Steady load continues after the last event (SOAK_TAIL seconds, default 20), so the last process is measured too.
  const rest = Math.max(at(1) - Date.now(), Number(process.env.SOAK_TAIL ?? 20) * 1000);
  await new Promise((r) => setTimeout(r, rest));
  stop = true;
  clearInterval(reloader);
  clearInterval(sampler);
  await Promise.all(loops);
  const final = await readPid();
  process.kill(final, 'SIGTERM');
  agent.destroy();
  // The last process must stop on SIGTERM (drain, then exit) before its files are removed.
  const stopping = Date.now();
  const gone = async (): Promise<boolean> => !(await readFile(`/proc/${final}/status`, 'utf8').then((st) => !/State:\s+Z/.test(st), () => false));
  while (!(await gone()) && Date.now() - stopping < 30_000) await new Promise((r) => setTimeout(r, 100));
  const stoppedIn = (await gone()) ? `${((Date.now() - stopping) / 1000).toFixed(1)}s` : 'did not exit within 30s (killed)';
  if (stoppedIn.startsWith('did not')) process.kill(final, 'SIGKILL');
  note(`SIGTERM to the last process ${final}: ${stoppedIn}`);
  await Promise.all([a.stop(), b.stop(), c.stop().catch(() => {}), source.cut().catch(() => {})]);
  const byPid = new Map<number, typeof samples>();
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  const summary = {
    seconds,
    configWrites: reloads,
    requests: counts,
    // Per process: RSS every 5 s (MiB) and the routing-table versions it went through (reloads applied).
    processes: Object.fromEntries(
      [...byPid].map(([pid, list]) => [
        pid,
        { seconds: `${list[0]!.t}-${list.at(-1)!.t}`, rssMiB: list.map((x) => x.rssMiB).join(' '), versions: `${list[0]!.version}-${list.at(-1)!.version}` },
      ]),
    ),
    events,
  };
  console.log(JSON.stringify(summary, null, 2));
  const healthyFailures = (counts['/healthy']?.failed ?? 0) + (counts['/via-http']?.failed ?? 0);
  console.log(healthyFailures === 0 ? 'PASS: no failed request to healthy servers' : `FAIL: ${healthyFailures} failed requests to healthy servers`);
  await rm(dir, { recursive: true, force: true });
  process.exit(healthyFailures === 0 ? 0 : 1);
}

await main();
