import t, { type Test } from 'tap';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { startBackend } from '../helpers/backends.js';
import { prepareCliFolder, spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';

// Each case starts the real command, a Node process loading every source: slow on a loaded machine.
t.setTimeout(300_000);

/** Resolves true once a TCP connect to the port is refused (the listener is closed). */
async function refusedWithin(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** A gateway process with one `web` entry point routing everything to `backendUrl`. */
async function spawnWith(t: Test, lifeCycle: Record<string, string>, backendUrl: string) {
  const { dir, web, internal } = await prepareCliFolder('shutdown-seq', {
    web: { transport: { lifeCycle } },
    dynamic: { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backendUrl }] } } } } },
  });
  const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(async () => {
    gw.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
  return { gw, web, internal };
}

// The order of a stop (traefik-behaviour.md §8.8): accept grace, then the listener closes while the
// in-flight request is still running, then it completes, then the process exits 0.
t.test('after the accept grace new connections are refused while an in-flight request still completes', async (t) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const backend = await startBackend((req, res) => {
    if (req.url === '/held') void released.then(() => res.end('held done'));
    else res.end('fast');
  });
  t.teardown(() => backend.close());
  const { gw, web, internal } = await spawnWith(t, { requestAcceptGraceTimeout: '3s', graceTimeOut: '60s' }, backend.url);

  let settled = false;
  const inflight = fetch(`http://127.0.0.1:${web}/held`).then(async (r) => [r.status, await r.text()] as const).finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 300));
  gw.child.kill('SIGTERM');
  await waitForStatus(`http://127.0.0.1:${internal}/ping`, 503, 15_000);
  t.pass('/ping answers 503 once the stop began');
  t.ok(await refusedWithin(web, 20_000), 'after the accept grace the entry point refuses new connections');
  t.notOk(settled, 'while the in-flight request is still running');
  release();
  t.same(await inflight, [200, 'held done'], 'the in-flight request completed after the listener closed');
  t.equal(await gw.exited, 0, 'then the process exited 0');
});

t.test('a request still running when graceTimeOut ends is cut and the process exits 0', async (t) => {
  const backend = await startBackend((req, res) => {
    if (req.url !== '/forever') res.end('fast');
  });
  t.teardown(() => backend.close());
  const { gw, web } = await spawnWith(t, { requestAcceptGraceTimeout: '0s', graceTimeOut: '1s' }, backend.url);
  const inflight = fetch(`http://127.0.0.1:${web}/forever`).then(
    async (r) => `status ${r.status}: ${await r.text().catch((e: Error) => e.message)}`,
    (error: Error) => `failed: ${error.message}`,
  );
  await new Promise((r) => setTimeout(r, 300));
  const stoppedAt = Date.now();
  gw.child.kill('SIGTERM');
  const exited = await Promise.race([gw.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  t.equal(exited, 0, 'the process exited 0 without waiting for the server');
  t.ok(Date.now() - stoppedAt >= 900, 'but not before graceTimeOut');
  t.notMatch(await inflight, /^status 200: fast/, 'the unfinished request did not get a normal answer');
});
