// Routing scale: the same gateway process serves 10, 1,000 and 10,000 routers in turn; for each it
// measures the time from a provider snapshot to the swapped-in table (wall clock, CPU of the process and
// CPU of its main thread: the rest is V8's helper threads, GC and JIT), the bytes allocated on the heap
// while it runs (collected or not: unlike time, a count that a busy machine does not blur), the RSS after a GC, and wrk's
// requests/s against one router in the middle of the table, as a ratio to 10 routers in the same round.
// `seconds` 0 skips wrk (compile and memory only). BENCH_HEAP_PROFILE=N prints, after the pushes, the N
// functions that allocated most during the BENCH_RELOADS reloads (sampled, collected objects included).
// BENCH_SHAPE=paths puts every router on one host, each with its own path prefix (an API gateway's shape),
// instead of one host per router (an ingress controller's); BENCH_SHAPE=hostregexp gives each router a
// HostRegexp for one tenant's subdomains (`^[a-z0-9-]+\.t<i>\.bench$`, every path) instead of a Host.
// Usage: node --expose-gc --import ./bin/ts-hooks.js bench/routing-scale.ts <backend-url> [seconds] [rounds] [connections]
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { promisify } from 'node:util';
import { loadStaticConfig } from '../src/config/static-load.js';
import type { DynamicConfig } from '../src/config/dynamic-schema.js';
import { startGateway } from '../src/gateway.js';
import { silentLogger } from '../src/log.js';
import type { Provider, ProviderSnapshot } from '../src/provider/provider.js';
import { builtinProviderSchemas } from '../src/builtins.js';

const [backend = 'http://127.0.0.1:8080', seconds = '5', rounds = '2', connections = '50'] = process.argv.slice(2);
const SIZES = (process.env.BENCH_ROUTERS ?? '10,1000,10000').split(',').map(Number);
const run = promisify(execFile);

/** A provider fed by the benchmark: every push is one whole snapshot. */
function pushProvider(): Provider & { push(config: DynamicConfig): void } {
  const queue: ProviderSnapshot[] = [];
  let wake: (() => void) | undefined;
  return {
    name: 'bench',
    push(config) {
      queue.push({ config, errors: [] });
      wake?.();
    },
    async *watch(signal) {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    state: () => ({ connected: true }),
  };
}

const SHAPE = process.env.BENCH_SHAPE ?? 'hosts';
if (!['hosts', 'paths', 'hostregexp'].includes(SHAPE)) throw new Error(`BENCH_SHAPE must be hosts, paths or hostregexp, not ${SHAPE}`);
const SAME_HOST = SHAPE === 'paths';
// hostregexp: a tenant's subdomains each (`<anything>.t<i>.bench`), the request's host one of them.
const hostOf = (i: number): string => (SAME_HOST ? 'api.bench' : SHAPE === 'hostregexp' ? `app.t${i}.bench` : `h${i}.bench`);
const hostMatcher = (i: number): string => (SHAPE === 'hostregexp' ? `HostRegexp(\`^[a-z0-9-]+\\.t${i}\\.bench$\`)` : `Host(\`${hostOf(i)}\`)`);

/** N routers on distinct hosts and paths (or one host, BENCH_SHAPE=paths), one load-balanced service each. */
function tableOf(n: number, changed = -1): DynamicConfig {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const path = i === changed ? `/changed${Date.now()}` : `/p${i}`;
    // A tenant's router takes every path on its subdomains: no path prefix for the index to fall back on.
    const rule = SHAPE === 'hostregexp' && i !== changed ? hostMatcher(i) : `${hostMatcher(i)} && PathPrefix(\`${path}\`)`;
    routers[`r${i}`] = { rule, service: `s${i}` };
    services[`s${i}`] = { loadBalancer: { servers: [{ url: backend }] } };
  }
  return { http: { routers, services } } as DynamicConfig;
}

async function wrk(port: number, n: number, duration = seconds): Promise<number> {
  const mid = Math.floor(n / 2);
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '-H', `Host: ${hostOf(mid)}`, `http://127.0.0.1:${port}/p${mid}/x`]);
  if (/Non-2xx|Socket errors/.test(stdout)) process.stderr.write(`errors at ${n} routers:\n${stdout}\n`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-'));
await writeFile(path.join(dir, 'switchyard.yaml'), 'entryPoints:\n  web: { address: "127.0.0.1:0" }\nproviders:\n  providersThrottleDuration: 0s\n');
const { config } = await loadStaticConfig({ argv: ['--configFile=switchyard.yaml'], env: {}, cwd: dir, providerSchemas: builtinProviderSchemas() });
const provider = pushProvider();
const gateway = await startGateway({ config, baseDir: dir, log: silentLogger, extraProviders: [provider] });
const port = gateway.port('web');
const gc = (globalThis as { gc?: () => void }).gc;

console.log(`# node ${process.version}, ${os.cpus().length} cores, ${SAME_HOST ? 'all routers on one host' : SHAPE === 'hostregexp' ? 'a HostRegexp per router' : 'one host per router'}, wrk -t1 -c${connections} -d${seconds}s, ${rounds} rounds`);
console.log('| round | routers | compile + swap ms | CPU ms (main thread) | allocated MB | RSS MB | requests/s | / 10 routers |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');

/** Pushes one snapshot and waits for its table; the event (which names the previous table) is not kept. */
async function pushAndWait(table: DynamicConfig): Promise<{ wall: number; cpu: number; main: number; allocated: number }> {
  const applied = once(gateway.events, 'applied');
  const profiler = new GCProfiler();
  const heapBefore = getHeapStatistics().used_heap_size;
  profiler.start();
  const cpu = process.cpuUsage();
  const main = process.threadCpuUsage();
  const start = performance.now();
  provider.push(table);
  await applied;
  const wall = performance.now() - start;
  const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const result = { wall, cpu: ms(process.cpuUsage(cpu)), main: ms(process.threadCpuUsage(main)) };
  const heapAfter = getHeapStatistics().used_heap_size;
  // Allocated = the heap's growth between collections: what each collection found, less what the one before left.
  let allocated = 0;
  let left = heapBefore;
  for (const gc of profiler.stop()?.statistics ?? []) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - left;
    left = gc.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += heapAfter - left;
  return { ...result, allocated: allocated / 2 ** 20 };
}

for (let round = 1; round <= Number(rounds); round++) {
  let base = 0;
  for (const n of SIZES) {
    gc?.();
    const { wall, cpu, main, allocated } = await pushAndWait(tableOf(n));
    gc?.();
    const rss = process.memoryUsage().rss / 2 ** 20;
    let rps = 0;
    if (Number(seconds) > 0) {
      await wrk(port, n, '2').catch(() => 0); // warm-up
      rps = await wrk(port, n);
    }
    if (n === SIZES[0]) base = rps;
    const ratio = base > 0 ? (rps / base).toFixed(2) : '-';
    console.log(`| ${round} | ${n} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} (${main.toFixed(0)}) | ${allocated.toFixed(1)} | ${rss.toFixed(0)} | ${rps.toFixed(0)} | ${ratio} |`);
  }
}
// BENCH_RELOADS=k: k more snapshots of the largest table, each with one router changed (a reload's cost).
const largest = SIZES.at(-1) ?? 0;
const heapTop = Number(process.env.BENCH_HEAP_PROFILE ?? 0);
const session = heapTop > 0 ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('HeapProfiler.enable');
  // Without the two flags V8 reports only what is still alive; a reload's garbage is what it costs in GC.
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
for (let k = 1; k <= Number(process.env.BENCH_RELOADS ?? 0); k++) {
  gc?.();
  const { wall, cpu, main, allocated } = await pushAndWait(tableOf(largest, (k * 97) % largest));
  gc?.();
  console.log(`| reload ${k} | ${largest} (one changed) | ${wall.toFixed(0)} | ${cpu.toFixed(0)} (${main.toFixed(0)}) | ${allocated.toFixed(1)} | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} | - | - |`);
}
if (session) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const bytes = new Map<string, number>();
  const name = (frame: typeof profile.head.callFrame) => `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
  // A built-in (Object.keys, an iterator's next) is named with the function that called it.
  const visit = (node: typeof profile.head, caller: string): void => {
    const own = name(node.callFrame);
    const where = node.callFrame.url ? own : `${own} in ${caller}`;
    bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, node.callFrame.url ? own : caller);
  };
  visit(profile.head, '');
  const reloads = Math.max(1, Number(process.env.BENCH_RELOADS ?? 0));
  console.log(`\n| MB allocated per reload (sampled) | function |\n| ---: | --- |`);
  for (const [where, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, heapTop)) console.log(`| ${(size / 2 ** 20 / reloads).toFixed(2)} | \`${where}\` |`);
}
await gateway.shutdown();
process.exit(0);
