import t from 'tap';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startBackend } from '../helpers/backends.js';
import { prepareCliFolder, spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';

// SIGTERM (traefik-behaviour.md §8.8): /ping turns 503 during requestAcceptGraceTimeout while requests are
// still accepted, then in-flight requests drain within graceTimeOut, then the process exits 0.
t.test('SIGTERM drains in-flight requests and exits 0', async (t) => {
  const slow = await startBackend((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow done'), 1500);
    else res.end('fast');
  });
  const { dir, web, internal } = await prepareCliFolder('shutdown', {
    web: { transport: { lifeCycle: { requestAcceptGraceTimeout: '4s', graceTimeOut: '10s' } } },
    dynamic: { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: slow.url }] } } } } },
  });
  const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(async () => {
    gw.child.kill('SIGKILL');
    await slow.close();
    await rm(dir, { recursive: true, force: true });
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
  t.pass('the gateway became ready');

  const inflight = fetch(`http://127.0.0.1:${web}/slow`).then(async (r) => [r.status, await r.text()] as const);
  await new Promise((r) => setTimeout(r, 200));
  gw.child.kill('SIGTERM');
  // Well inside the 4 s accept grace even on a loaded machine, so the requests below still fall in it.
  await waitForStatus(`http://127.0.0.1:${internal}/ping`, 503, 3000);
  t.pass('/ping answers 503 while the gateway is terminating');
  const ready = await fetch(`http://127.0.0.1:${internal}/ready`);
  t.equal(ready.status, 503, '/ready answers 503 while terminating');
  await ready.text();
  const during = await new Promise<number>((resolve, reject) => {
    http.get({ port: web, host: '127.0.0.1', path: '/fast', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
  t.equal(during, 200, 'new requests are still served during the accept grace period');
  t.same(await inflight, [200, 'slow done'], 'the in-flight request completed');
  t.equal(await gw.exited, 0, 'the process exited 0');
  t.match(gw.output(), /listening/, 'it had announced its entry points');
});

// A report had a gateway close its listeners on SIGTERM but never exit, its file provider's watcher
// still open on a folder deleted just before. The process must exit on its own (bin/switchyard.js
// sets exitCode and lets the event loop drain), whichever comes first.
t.test('SIGTERM right before or after the file provider folder is deleted still exits 0', async (t) => {
  for (const order of ['delete, then SIGTERM', 'SIGTERM, then delete', 'delete, restart attempt, then SIGTERM'] as const) {
    await t.test(order, async (t) => {
      const { dir, web, internal } = await prepareCliFolder('gone', {
        file: { watch: true },
        dynamic: { http: { services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } } } },
      });
      const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
      t.teardown(async () => {
        gw.child.kill('SIGKILL');
        await rm(dir, { recursive: true, force: true });
      });
      await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
      const removeFolder = () => rm(path.join(dir, 'dyn'), { recursive: true, force: true });
      if (order === 'SIGTERM, then delete') {
        gw.child.kill('SIGTERM');
        await removeFolder();
      } else {
        await removeFolder();
        // The provider restarts its watch after a 500 ms backoff once it sees the folder gone.
        if (order === 'delete, restart attempt, then SIGTERM') await new Promise((r) => setTimeout(r, 1500));
        gw.child.kill('SIGTERM');
      }
      const exited = await Promise.race([gw.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
      t.equal(exited, 0, `the process exited 0 (${order})`);
    });
  }
});

t.test('the validate command exits 1 and names the problem', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-validate-bin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'switchyard.yaml'), 'entryPoints:\n  web:\n    address: 8000\n');
  const run = spawnGateway(['validate', '--configFile=switchyard.yaml'], dir);
  t.equal(await run.exited, 1);
  t.match(run.output(), /entryPoints\.web\.address/);
});

t.test('a static configuration error stops start-up with exit 1', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bad-static-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'switchyard.yaml'), 'entryPoints:\n  web:\n    address: ":8000"\n    unknownKey: true\n');
  const run = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.equal(await run.exited, 1);
  t.match(run.output(), /entryPoints\.web\.unknownKey/);
});
