import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { httpsGet, preparePebble } from '../helpers/pebble.js';
import { spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';
import { until as untilHolds } from '../helpers/until.js';

// Worker mode with ACME through the real command: the control process orders (HTTP-01 and TLS-ALPN-01 against a
// real Pebble whose validation ports are the public entry points the two workers serve), and every worker serves the result.
t.setTimeout(300_000);
const run = promisify(execFile);
const HTTP_HOST = 'www.app.test';
const ALPN_HOST = 'tls.app.test';
// Long enough that no renewal (at two thirds of the lifetime) falls into the first two tests on a slow machine,
// short enough that the third test sees one.
const VALIDITY_S = 150;

const pebble = await preparePebble();
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-workers-acme-'));
// The backend names the port of the connection it was reached on: `ss` maps that port to the worker that forwarded.
const backend = await startBackend((req, res) => res.end(String(req.socket.remotePort)));
const plain = await startBackend((_req, res) => res.end('plain'));
const ports = { web: await freePort(), websecure: await freePort(), internal: await freePort() };
await pebble.start({ httpPort: ports.web, tlsPort: ports.websecure, validitySeconds: VALIDITY_S });
const acme = { email: 'ops@app.test', storage: 'acme.json', caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], throttle: { retryInitialDelay: '1s' } };
await mkdir(path.join(dir, 'dyn'));
await writeFile(
  path.join(dir, 'switchyard.yaml'),
  stringify({
    workers: 2,
    log: { level: 'ERROR' },
    entryPoints: { web: { address: `127.0.0.1:${ports.web}` }, websecure: { address: `127.0.0.1:${ports.websecure}`, http: { tls: {} } }, switchyard: { address: `127.0.0.1:${ports.internal}` } },
    ping: {},
    api: { insecure: true },
    providers: { providersThrottleDuration: 0, file: { directory: 'dyn' } },
    certificatesResolvers: { le: { acme: { ...acme, httpChallenge: { entryPoint: 'web' } } }, alpn: { acme: { ...acme, tlsChallenge: {} } } },
  }),
);
await writeFile(
  path.join(dir, 'dyn', 'app.yaml'),
  stringify({
    http: {
      routers: {
        http01: { rule: `Host(\`${HTTP_HOST}\`)`, entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'le' } },
        alpn01: { rule: `Host(\`${ALPN_HOST}\`)`, entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'alpn' } },
        plain: { rule: 'PathPrefix(`/`)', entryPoints: ['web'], service: 'plain' },
      },
      services: { app: { loadBalancer: { servers: [{ url: backend.url }] } }, plain: { loadBalancer: { servers: [{ url: plain.url }] } } },
    },
  }),
);
let gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
t.teardown(async () => {
  for (const pid of await workerPids()) process.kill(pid, 'SIGKILL');
  gw.child.kill('SIGKILL');
  await Promise.all([backend.close(), plain.close(), pebble.close()]);
  await rm(dir, { recursive: true, force: true });
});
await waitForStatus(`http://127.0.0.1:${ports.internal}/ready`, 200, 120_000);
const root = await pebble.root();

async function workerPids(): Promise<number[]> {
  const text = await readFile(`/proc/${gw.child.pid}/task/${gw.child.pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

// Polls every 200 ms; a timeout shows the end of the gateway's output.
const until = (what: string, check: () => Promise<boolean>, timeoutMs: number) => untilHolds(what, check, timeoutMs, { everyMs: 200, detail: () => gw.output().slice(-2000) });

/**
 * Opens `count` new TLS connections per host, each verified against pebble's root only (the generated default
 * certificate fails), and returns which worker pid served which certificate serial per host.
 */
async function servedBy(count: number): Promise<{ failures: number; serials: Map<string, Map<number, Set<string>>> }> {
  const answers = await Promise.all(
    [HTTP_HOST, ALPN_HOST].flatMap((host) => Array.from({ length: count }, () => httpsGet(ports.websecure, host, root).then((a) => ({ host, ...a }), () => undefined))),
  );
  // Taken right after the round: the backend keeps each worker's connections open for seconds.
  const { stdout } = await run('ss', ['-tnpH', 'state', 'established', `( dport = :${backend.port} )`]);
  const pidOfPort = new Map([...stdout.matchAll(/:(\d+)\s+\S+:\d+\s+users:\(\("[^"]*",pid=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  const serials = new Map<string, Map<number, Set<string>>>();
  for (const answer of answers) {
    const pid = answer && pidOfPort.get(answer.body);
    if (!answer || pid === undefined) continue;
    const byPid = serials.get(answer.host) ?? new Map<number, Set<string>>();
    serials.set(answer.host, byPid.set(pid, (byPid.get(pid) ?? new Set()).add(answer.serial)));
  }
  return { failures: answers.filter((a) => !a || a.status !== 200).length, serials };
}

/** Polls until every given worker has served a pebble certificate for both hosts that `accept` takes. */
async function untilEveryWorkerServes(workers: number[], accept: (host: string, serial: string) => boolean, timeoutMs: number): Promise<Map<string, Map<number, Set<string>>>> {
  const seen = new Map<string, Map<number, Set<string>>>();
  await until(
    `workers ${workers.join(', ')} serve both certificates`,
    async () => {
      const round = await servedBy(10);
      for (const [host, byPid] of round.serials) {
        const all = seen.get(host) ?? new Map<number, Set<string>>();
        for (const [pid, serials] of byPid) for (const s of serials) if (accept(host, s)) all.set(pid, (all.get(pid) ?? new Set()).add(s));
        seen.set(host, all);
      }
      return [HTTP_HOST, ALPN_HOST].every((host) => workers.every((pid) => seen.get(host)?.has(pid)));
    },
    timeoutMs,
  );
  return seen;
}

const firstSerials = new Map<string, string>();

t.test('the control process obtains one certificate per resolver and both workers serve them', async (t) => {
  const workers = await workerPids();
  t.equal(workers.length, 2, 'two workers');
  const seen = await untilEveryWorkerServes(workers, () => true, 180_000);
  for (const host of [HTTP_HOST, ALPN_HOST]) {
    const serials = new Set([...seen.get(host)!.values()].flatMap((s) => [...s]));
    t.equal(serials.size, 1, `${host}: every worker serves the same certificate`);
    firstSerials.set(host, [...serials][0]!);
  }
  const round = await servedBy(20);
  t.equal(round.failures, 0, 'every new connection verifies against pebble\'s root and is routed');
  // The orders start with the control process, before its workers serve: challenges wait for them instead of failing.
  t.notMatch(gw.output(), /ACME order failed/, 'no order failed on its first attempt');

  const stored = JSON.parse(await readFile(path.join(dir, 'acme.json'), 'utf8')) as Record<string, { Account: unknown; Certificates: unknown[] }>;
  t.equal(stored.le?.Certificates.length, 1, 'one HTTP-01 certificate in the storage, written by the control process');
  t.equal(stored.alpn?.Certificates.length, 1, 'one TLS-ALPN-01 certificate');
  t.equal((pebble.log().match(/There are now \d+ accounts in memory/g) ?? []).length, 2, 'one account per resolver, not one per worker');

  const listed = await (await fetch(`http://127.0.0.1:${ports.internal}/api/certificates`)).text();
  t.match(listed, HTTP_HOST, 'the control process\'s API lists the HTTP-01 certificate');
  t.match(listed, ALPN_HOST, 'and the TLS-ALPN-01 one');

  // A worker's acme-http@internal answers 404 for an unknown token (the user router on web would answer 200).
  const challenge = await fetch(`http://127.0.0.1:${ports.web}/.well-known/acme-challenge/not-a-token`);
  t.equal(challenge.status, 404, 'a worker answers an unknown token 404 itself');
  t.equal(await (await fetch(`http://127.0.0.1:${ports.web}/other`)).text(), 'plain', 'other paths reach the user router');
});

t.test('a replacement worker serves the certificates at once', async (t) => {
  const [victim, survivor] = await workerPids();
  process.kill(victim!, 'SIGKILL');
  let replacement = 0;
  await until('a new worker was forked', async () => {
    const now = await workerPids();
    replacement = now.find((pid) => pid !== survivor && pid !== victim) ?? 0;
    return now.length === 2 && replacement > 0;
  }, 60_000);
  await waitForStatus(`http://127.0.0.1:${ports.internal}/ready`, 200, 60_000);
  const seen = await untilEveryWorkerServes([replacement], () => true, 60_000);
  for (const host of [HTTP_HOST, ALPN_HOST]) t.ok(seen.get(host)!.get(replacement)!.has(firstSerials.get(host)!), `${host}: the replacement serves the stored certificate`);
  t.equal((await servedBy(20)).failures, 0, 'every new connection verifies');
});

t.test('renewed certificates replace the old ones in every worker without a restart', async (t) => {
  const workers = await workerPids();
  const renewed = (host: string, serial: string) => serial !== firstSerials.get(host);
  const seen = await untilEveryWorkerServes(workers, renewed, 240_000);
  for (const host of [HTTP_HOST, ALPN_HOST]) t.equal(seen.get(host)!.size, 2, `${host}: both workers serve a renewed certificate`);
  t.same(await workerPids(), workers, 'no worker was restarted');
  const stored = JSON.parse(await readFile(path.join(dir, 'acme.json'), 'utf8')) as Record<string, { Certificates: unknown[] }>;
  t.equal(stored.le?.Certificates.length, 1, 'the renewal replaced the stored certificate');
});

t.test('after a restart both workers serve the stored certificates at once and nothing is re-ordered', async (t) => {
  const storedNow = async () => JSON.parse(await readFile(path.join(dir, 'acme.json'), 'utf8')) as Record<string, { Certificates: Array<{ certificate: string }> }>;
  const before = await storedNow();
  gw.child.kill('SIGTERM');
  t.equal(await gw.exited, 0, 'the control process drained its workers and exited 0');
  gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
  await waitForStatus(`http://127.0.0.1:${ports.internal}/ready`, 200, 120_000);
  const workers = await workerPids();
  t.equal(workers.length, 2, 'two new workers');
  // Not due for renewal yet (renewed moments ago): whatever the workers serve comes from the storage.
  await untilEveryWorkerServes(workers, () => true, 60_000);
  t.equal((await servedBy(20)).failures, 0, 'every new connection verifies');
  const after = await storedNow();
  for (const name of ['le', 'alpn']) t.same(after[name]?.Certificates.map((c) => c.certificate), before[name]?.Certificates.map((c) => c.certificate), `${name}: the stored certificate was not re-ordered`);
});
