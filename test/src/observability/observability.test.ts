import t from 'tap';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { resolveStaticConfig } from '../../../src/config/static-defaults.js';
import type { StaticConfigInput } from '../../../src/config/static-schema.js';
import type { GatewayView } from '../../../src/gateway-view.js';
import type { RequestContext } from '../../../src/http/context.js';
import { silentLogger } from '../../../src/log.js';
import { createObservability } from '../../../src/observability/index.js';

/** Serves `handler` on a real socket with the observers watching, as an entry point would. */
async function serve(t: { teardown(fn: () => Promise<void>): void }, input: StaticConfigInput, handler: (ctx: RequestContext, res: http.ServerResponse) => void) {
  const view: GatewayView = {
    config: resolveStaticConfig(input),
    table: () => undefined,
    version: () => 1,
    ready: () => true,
    providerStates: () => ({}),
    events: new EventEmitter(),
    startedAt: new Date().toISOString(),
    certificates: () => [],
  };
  const obs = createObservability(view, silentLogger);
  const server = http.createServer((req, res) => {
    const socket = req.socket;
    const ctx: RequestContext = { entryPoint: 'web', tls: false, remoteAddr: socket.remoteAddress!, remotePort: socket.remotePort!, host: 'app.test', path: req.url!, query: '', start: performance.now() };
    for (const observer of obs.observers) observer.onRequest(req, res, ctx);
    handler(ctx, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await obs.close();
  });
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
  return { obs, url, get: async (p: string) => (await request(url(p))).body.text() };
}

async function waitForText(file: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never matched ${pattern}`);
}

t.test('reopen() moves the access log to a fresh file after rotation', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-obs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'access.log');
  const { obs, get } = await serve(t, { accessLog: { filePath: file, format: 'json' } }, (_ctx, res) => res.end('ok'));
  await get('/before');
  await waitForText(file, /\/before/);
  await rename(file, `${file}.1`);
  await obs.reopen();
  await get('/after');
  t.match(await waitForText(file, /\/after/), /^\{[^\n]*"RequestPath":"\/after"[^\n]*\}\n$/, 'the new file holds only the new line');
  t.notMatch(await readFile(`${file}.1`, 'utf8'), /\/after/, 'the rotated file is left alone');
});

t.test('retries made by a middleware are logged as RetryAttempts', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-obs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'access.log');
  const { get } = await serve(t, { accessLog: { filePath: file, format: 'json', filters: { retryAttempts: true } } }, (ctx, res) => {
    // ctx.attempt counts attempts from 1, as a retrying middleware sets it.
    if (ctx.path === '/retried') ctx.attempt = 3;
    res.end('ok');
  });
  await get('/plain');
  await get('/retried');
  const text = await waitForText(file, /\/retried/);
  const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { RequestPath: string; RetryAttempts: number });
  t.same(entries.map((e) => [e.RequestPath, e.RetryAttempts]), [['/retried', 2]], 'only the retried request passes the retryAttempts filter');
});

t.test('an aborted request is logged with status 499', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-obs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'access.log');
  const { url } = await serve(t, { accessLog: { filePath: file, format: 'json' } }, () => undefined);
  const controller = new AbortController();
  const pending = request(url('/hang'), { signal: controller.signal }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  await pending;
  const entry = JSON.parse(await waitForText(file, /\/hang/)) as { DownstreamStatus: number };
  t.equal(entry.DownstreamStatus, 499);
});

t.test('nothing configured means no observers and no routes', async (t) => {
  const { obs } = await serve(t, {}, (_ctx, res) => res.end());
  t.equal(obs.observers.length, 0);
});
