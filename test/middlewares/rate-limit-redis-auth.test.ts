import type { IncomingMessage, ServerResponse } from 'node:http';
import { Redis, type RedisOptions } from 'ioredis';
import { pino } from 'pino';
import t from 'tap';
import { rateLimitMiddleware } from '../../middlewares/rate-limit/index.js';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { startBackend } from '../helpers/backends.js';
import { createTestCA, type Pem } from '../helpers/certs.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startRedisServer, type RedisServerOptions } from '../helpers/redis-server.js';

// The credentials, database and TLS options of `rateLimit.redis`, each against a redis-server that
// really demands them. A working case must limit (burst 2, one token a minute: the third request is
// refused) with its bucket in Redis; a failing one must refuse every request with a 500, never let
// one through unlimited, and log why.
const pki = createTestCA();
const serverCert = pki.issue(['127.0.0.1', 'localhost']);
const clientCert = pki.issue(['switchyard'], { client: true });
const stranger = createTestCA().ca;
const tlsServer = (requireClientCert: boolean): RedisServerOptions['tls'] => ({ certFile: serverCert.certFile, keyFile: serverCert.keyFile, caFile: pki.ca.certFile, requireClientCert });
const adminTls = (pem: Pem | undefined): RedisOptions['tls'] => ({ ca: pki.ca.cert, ...(pem ? { cert: pem.cert, key: pem.key } : {}) });
// `~rate:*` lets the limiter user touch only bucket keys, so the script must declare the key it uses.
const aclArgs = ['--user', 'default', 'off', '--user', 'limiter', 'on', '>limiter-pw', '~rate:*', '+@all', '--user', 'admin', 'on', '>admin-pw', '~*', '&*', '+@all'];
const aclAdmin: RedisOptions = { username: 'admin', password: 'admin-pw' };

// The same middleware under another type name, with a logger the test reads: the harness logs nowhere.
const logLines: Record<string, unknown>[] = [];
const captureLog = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
const rateLimitLogged = defineMiddleware({ ...rateLimitMiddleware, type: 'rateLimitLogged', create: (config, next, ctx) => rateLimitMiddleware.create(config, next, { ...ctx, log: captureLog.child({ middleware: ctx.name }) }) });

interface Case {
  name: string;
  server: RedisServerOptions;
  /** `rateLimit.redis` besides `endpoints`. */
  redis: Record<string, unknown>;
  /** How the test's own client reaches the server to look at the buckets. */
  admin: RedisOptions;
  /** The database the buckets must land in (default 0). */
  db?: number;
  /** Set when the limiter must not get through: what the logged error says. */
  fails?: RegExp;
  /** Fixes the server side, after which requests must pass again without a reload. */
  repair?: (admin: Redis) => Promise<unknown>;
}

const cases: Case[] = [
  { name: 'a password the server requires is sent', server: { args: ['--requirepass', 'pw-1'] }, redis: { password: 'pw-1' }, admin: { password: 'pw-1' } },
  { name: 'an ACL user name and password are sent and the script touches only its own key', server: { args: aclArgs }, redis: { username: 'limiter', password: 'limiter-pw' }, admin: aclAdmin },
  { name: 'db puts the buckets in that database and no other', server: { args: ['--requirepass', 'pw-3'] }, redis: { password: 'pw-3', db: 5 }, admin: { password: 'pw-3' }, db: 5 },
  { name: 'TLS verifies the server against a CA given as a file', server: { tls: tlsServer(false) }, redis: { tls: { ca: pki.ca.certFile } }, admin: { tls: adminTls(undefined) } },
  {
    name: 'mutual TLS presents a client certificate given as PEM text, with an ACL user and a db',
    server: { tls: tlsServer(true), args: aclArgs },
    redis: { username: 'limiter', password: 'limiter-pw', db: 2, tls: { ca: pki.ca.cert, cert: clientCert.cert, key: clientCert.key } },
    admin: { ...aclAdmin, tls: adminTls(clientCert) },
    db: 2,
  },
  { name: 'insecureSkipVerify reaches a server no configured CA vouches for', server: { tls: tlsServer(false) }, redis: { tls: { insecureSkipVerify: true } }, admin: { tls: adminTls(undefined) } },
  { name: 'a wrong password is refused', server: { args: ['--requirepass', 'pw-7'] }, redis: { password: 'not-pw-7' }, admin: { password: 'pw-7' }, fails: /WRONGPASS|invalid username-password/, repair: (admin) => admin.config('SET', 'requirepass', 'not-pw-7') },
  { name: 'no password where one is required is refused', server: { args: ['--requirepass', 'pw-8'] }, redis: {}, admin: { password: 'pw-8' }, fails: /NOAUTH|Authentication required/ },
  { name: 'an unknown ACL user is refused', server: { args: aclArgs }, redis: { username: 'nobody', password: 'limiter-pw' }, admin: aclAdmin, fails: /WRONGPASS|invalid username-password/ },
  { name: 'a server whose certificate another CA signed is refused', server: { tls: tlsServer(false) }, redis: { tls: { ca: stranger.certFile } }, admin: { tls: adminTls(undefined) }, fails: /certificate|self.signed|verify|issuer/i },
  { name: 'no client certificate where the server requires one is refused', server: { tls: tlsServer(true) }, redis: { tls: { ca: pki.ca.cert } }, admin: { tls: adminTls(clientCert) }, fails: /certificate|handshake|ECONNRESET|socket|closed|TLS|SSL/i },
];

let hits = 0;
const backend = await startBackend((_req: IncomingMessage, res: ServerResponse) => {
  hits++;
  res.end('ok');
});
const gw = await startTestGateway({ middlewares: [rateLimitLogged], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

async function status(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(gw.url(path));
  return { status: res.status, body: await res.text() };
}

for (const [i, c] of cases.entries()) {
  t.test(c.name, async (t) => {
    const redis = await startRedisServer(c.server);
    t.teardown(() => redis.close());
    const admin = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1, ...c.admin });
    admin.on('error', () => undefined);
    t.teardown(() => admin.disconnect());
    const mw = `limit${i}`;
    const type = c.fails ? 'rateLimitLogged' : 'rateLimit';
    await gw.writeDynamic('rl.yaml', {
      http: {
        routers: { [mw]: { rule: `PathPrefix(\`/${mw}\`)`, service: 'app', middlewares: [mw] } },
        middlewares: { [mw]: { [type]: { average: 1, period: '1m', burst: 2, redis: { endpoints: [redis.endpoint], dialTimeout: '10s', ...c.redis } } } },
        services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
      },
    });
    const key = `rate:${mw}@file:127.0.0.1`;
    const before = hits;
    const results = [await status(`/${mw}/a`), await status(`/${mw}/b`), await status(`/${mw}/c`)];

    if (!c.fails) {
      t.same(results.map((r) => r.status), [200, 200, 429], 'two requests pass, the third is limited');
      t.equal(hits - before, 2, 'the limited request never reached the server');
      const db = c.db ?? 0;
      await admin.connect();
      await admin.select(db);
      t.same(await admin.keys('rate:*'), [key], `the bucket is in Redis, database ${db}`);
      const bucket = await admin.hgetall(key);
      t.ok(Number(bucket.tokens) < 1, `and holds less than a token (${bucket.tokens})`);
      for (const other of [0, 1, 2, 5].filter((n) => n !== db)) {
        await admin.select(other);
        t.same(await admin.keys('*'), [], `database ${other} holds nothing`);
      }
      return;
    }

    t.same(results, Array(3).fill({ status: 500, body: 'Internal Server Error\n' }), 'every request is refused with a bare 500');
    t.equal(hits - before, 0, 'none reaches the server: the limiter fails closed');
    const mine = logLines.filter((l) => l.middleware === `${mw}@file`);
    t.ok(mine.some((l) => l.level === 40 && l.msg === 'rate limiter store failed'), 'each failure is logged as a warning');
    const causes = mine.filter((l) => l.level === 50).map((l) => String(l.msg));
    t.ok(causes.some((m) => c.fails!.test(m)), `an ERROR record names the cause, visible at the default level: ${JSON.stringify(causes)}`);
    // Refused credentials also come back as the failed command's error; a TLS failure's cause is only in
    // the connection errors, the command failing with ioredis's retry limit.
    const reasons = mine.flatMap((l) => ((l.err as { message?: string } | undefined)?.message ? [`${pino.levels.labels[l.level as number]}: ${(l.err as { message: string }).message}`] : []));
    t.ok(reasons.some((m) => c.fails!.test(m)), `the log says why: ${JSON.stringify([...new Set(reasons)])}`);
    await admin.connect();
    t.same(await admin.keys('rate:*'), [], 'no bucket was written');
    if (!c.repair) return;
    await c.repair(admin);
    // ioredis reconnects with a back-off of up to 2 s: poll with a generous deadline.
    const deadline = Date.now() + 20_000;
    let last = 0;
    while (Date.now() < deadline && (last = (await status(`/${mw}/again`)).status) !== 200) await new Promise((r) => setTimeout(r, 250));
    t.equal(last, 200, 'once Redis accepts the credentials, requests pass again without a reload');
    t.same(await admin.keys('rate:*'), [key], 'and the bucket is in Redis');
  });
}
