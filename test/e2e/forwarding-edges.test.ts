import t from 'tap';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

/** Reads the first chunk of a response, then resolves with it while the response is still open. */
function firstChunk(url: string): Promise<{ status: number; chunk: string; ended: () => boolean; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let ended = false;
      res.on('end', () => (ended = true));
      res.once('data', (chunk: Buffer) => resolve({ status: res.statusCode ?? 0, chunk: chunk.toString(), ended: () => ended, req }));
    });
    req.on('error', reject);
  });
}

// responseForwarding.flushInterval (reference: dynamic schema): Switchyard writes every chunk as it
// arrives whatever the interval, so a long interval never holds a streamed response back.
t.test('a streamed response reaches the client chunk by chunk whatever flushInterval says', async (t) => {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const backend = await startBackend((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '10' });
    res.write('first');
    void finished.then(() => res.end('-last'));
  });
  t.teardown(() => backend.close());
  const lb = (flushInterval: string) => ({ loadBalancer: { servers: [{ url: backend.url }], responseForwarding: { flushInterval } } });
  const gw = await startTestGateway({
    dynamic: {
      'stream.yaml': {
        http: {
          routers: { slow: { rule: 'Path(`/ten-seconds`)', service: 'slow' }, neg: { rule: 'Path(`/negative`)', service: 'neg' } },
          services: { slow: lb('10s'), neg: lb('-1ms') },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  for (const p of ['/ten-seconds', '/negative']) {
    await t.test(`flushInterval at ${p}`, async (t) => {
      const started = Date.now();
      const first = await firstChunk(gw.url(p));
      t.equal(first.status, 200);
      t.equal(first.chunk, 'first', 'the first chunk arrived on its own');
      t.notOk(first.ended(), 'before the server finished the body');
      t.ok(Date.now() - started < 8000, 'well before a 10s interval would have flushed it');
      first.req.destroy();
    });
  }
  finish();
});

// Go's ReverseProxy logs 499 ("client closed request") when the client leaves first; so does Switchyard.
t.test('a client that leaves before the answer is logged with status 499 in the access log', async (t) => {
  const backend = await startBackend((req, res) => {
    if (req.url !== '/hang') res.end('ok');
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-499-'));
  const file = path.join(dir, 'access.log');
  const gw = await startTestGateway({
    static: { accessLog: { filePath: file, format: 'json' } },
    dynamic: { 'app.yaml': { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  const req = http.get(gw.url('/hang'));
  req.on('error', () => undefined);
  // Leave once the gateway has the request in flight to the server.
  const deadline = Date.now() + 15_000;
  while (backend.connections() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  req.destroy();
  let entry: { DownstreamStatus?: number; RequestPath?: string } | undefined;
  while (!entry && Date.now() < deadline + 15_000) {
    const text = await readFile(file, 'utf8').catch(() => '');
    entry = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as typeof entry).find((e) => e?.RequestPath === '/hang');
    if (!entry) await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(entry?.DownstreamStatus, 499, 'the access log line says 499');
  const ok = await fetch(gw.url('/after'));
  t.equal(ok.status, 200, 'and the gateway keeps serving');
  await ok.text();
});
