import t from 'tap';
import http from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { headersMiddleware } from '../../middlewares/headers/index.js';
import { ipAllowListMiddleware } from '../../middlewares/ip-allow-list.js';
import { basicAuthMiddleware } from '../../middlewares/basic-auth.js';
import type { MiddlewareContext } from '../../src/middleware/definition.js';
import { setContext, type Handler } from '../../src/http/context.js';
import { StateStore } from '../../src/runtime/state-store.js';

// One middleware in front of many routers (an entry point's, or one every router lists) is created once per
// router from the same configuration in one compile, which prepares it once (src/middleware/once-per-compile.ts):
// each router keeps its own next handler, a broken configuration disables every one of them, a deprecation
// is logged once, and a users file is read once per compile and again by the next.

function capture() {
  const lines: Array<{ msg: string; option?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

function context(log: MiddlewareContext['log']): MiddlewareContext {
  return {
    name: 'shared@file',
    provider: 'file',
    state: new StateStore(),
    log,
    buildChain: () => {
      throw new Error('not used');
    },
    service: () => {
      throw new Error('not used');
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Runs `handler` on a real request and answers with what the handler's next saw. */
async function send(handler: Handler, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const server = http.createServer((req, res) => {
    setContext(req, { entryPoint: 'web', tls: false, remoteAddr: '127.0.0.1', remotePort: 1, host: 'a.test', path: '/', query: '', start: 0 });
    void handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers });
    return { status: res.status, headers: Object.fromEntries(res.headers) as never, body: await res.text() };
  } finally {
    server.close();
  }
}

t.test('routers sharing one frozen configuration each keep their own next handler', async (t) => {
  const config = deepFreeze({ customRequestHeaders: { 'X-Added': 'yes' }, customResponseHeaders: { 'X-Out': 'set' }, frameDeny: true });
  const { log } = capture();
  const handlers = ['a', 'b', 'c'].map((router) =>
    headersMiddleware.create(config as never, (req, res) => void res.end(`${router}:${String(req.headers['x-added'])}`), context(log)),
  );
  for (const [i, router] of ['a', 'b', 'c'].entries()) {
    const reply = await send(handlers[i]!);
    t.equal(reply.body, `${router}:yes`, `router ${router} reaches its own next with the request header`);
    t.equal(reply.headers['x-out'], 'set');
    t.equal(reply.headers['x-frame-options'], 'DENY');
  }
});

t.test('a deprecated option is logged once for a configuration shared by many routers', async (t) => {
  const config = deepFreeze({ sslRedirect: true, featurePolicy: 'camera none' });
  const { log, lines } = capture();
  for (let i = 0; i < 50; i++) headersMiddleware.create(config as never, (_req, res) => void res.end(), context(log));
  await new Promise((r) => setImmediate(r));
  t.same(lines.map((l) => l.option).sort(), ['featurePolicy', 'sslRedirect'], 'one warning per deprecated option');
  const changed = deepFreeze({ sslRedirect: true, featurePolicy: 'camera none' });
  headersMiddleware.create(changed as never, (_req, res) => void res.end(), context(log));
  await new Promise((r) => setImmediate(r));
  t.equal(lines.length, 4, 'a new configuration object (a reload that rebuilt it) is logged again');
});

const broken: Array<{ name: string; config: Record<string, unknown>; error: RegExp }> = [
  { name: 'nothing set', config: {}, error: /no header option is set/ },
  { name: 'an invalid header name', config: { customRequestHeaders: { 'Bad Name': 'x' } }, error: /customRequestHeaders/ },
];
for (const c of broken) {
  t.test(`a broken configuration fails for every router using it: ${c.name}`, async (t) => {
    const config = deepFreeze(c.config);
    const { log } = capture();
    for (let i = 0; i < 3; i++) t.throws(() => headersMiddleware.create(config as never, (_req, res) => void res.end(), context(log)), c.error, `router ${i}`);
  });
}

t.test('an allow list shared by routers: each router filters and reaches its own next', async (t) => {
  const { log } = capture();
  const config = deepFreeze({ sourceRange: ['10.0.0.0/8', '127.0.0.1'] });
  const handlers = ['a', 'b'].map((router) => ipAllowListMiddleware.create(config as never, (_req, res) => void res.end(router), context(log)));
  t.same(await Promise.all(handlers.map(async (h) => (await send(h)).body)), ['a', 'b']);
  const closed = deepFreeze({ sourceRange: ['10.0.0.0/8'] });
  const refused = ['a', 'b'].map(() => ipAllowListMiddleware.create(closed as never, (_req, res) => void res.end('no'), context(log)));
  t.same(await Promise.all(refused.map(async (h) => (await send(h)).status)), [403, 403]);
  const broken = deepFreeze({ sourceRange: ['10.0.0.0/8', 'nope'] });
  for (let i = 0; i < 3; i++) t.throws(() => ipAllowListMiddleware.create(broken as never, (_req, res) => void res.end(), context(log)), /sourceRange\[1\]/, `router ${i}`);
});

t.test('a users file is read once per compile and again by the next one', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-users-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'users');
  // alice:secret and bob:secret, SHA1 ({SHA}) hashes.
  await writeFile(file, 'alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
  const { log } = capture();
  const config = deepFreeze({ usersFile: file });
  const auth = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:secret`).toString('base64')}` });
  const first = basicAuthMiddleware.create(config as never, (_req, res) => void res.end('first'), context(log));
  await writeFile(file, 'bob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
  t.equal((await send(first, auth('alice'))).status, 200, 'alice, from the file as the compile read it');
  const second = basicAuthMiddleware.create(config as never, (_req, res) => void res.end('second'), context(log));
  t.equal((await send(second, auth('bob'))).status, 200, 'the next compile reads the file again');
  t.equal((await send(second, auth('alice'))).status, 401);
  // Within one compile, routers created together share one read, even if the file changes in between.
  await writeFile(file, 'alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
  const one = basicAuthMiddleware.create(config as never, (_req, res) => void res.end('ok'), context(log));
  writeFileSync(file, 'bob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
  const two = basicAuthMiddleware.create(config as never, (_req, res) => void res.end('ok'), context(log));
  t.same([(await send(one, auth('alice'))).status, (await send(two, auth('alice'))).status], [200, 200], 'both routers got the file as first read');
});
