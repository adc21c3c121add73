import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { basicAuthMiddleware } from '../../middlewares/basic-auth.js';
import { md5Crypt } from '../../middlewares/auth/apr1.js';
import { CredentialCache } from '../../middlewares/auth/credential-cache.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend, type Echo } from '../helpers/traffic-control.js';

// Vectors produced by `openssl passwd -apr1` / `openssl passwd -1`, not by the code under test.
const APR1 = '$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1'; // "password"
const MD5CRYPT = '$1$Q1w2E3r4$5N4TkhwtYvAhuiA/gJPch1'; // "hellohellohellohello"
const SHA = `{SHA}${createHash('sha1').update('secret').digest('base64')}`;
const bcrypt2b = bcrypt.hashSync('b-pass', 4);
const BCRYPT_2Y = bcrypt2b.replace('$2b$', '$2y$');
const BCRYPT_2A = bcrypt.hashSync('a-pass', 4).replace('$2b$', '$2a$');

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

t.test('apr1 and MD5-crypt match openssl', async (t) => {
  t.equal(md5Crypt('password', 'abcdefgh'), APR1);
  t.equal(md5Crypt('', 'xy'), '$apr1$xy$43..WIhbfuznGvwoCyUek/');
  t.equal(md5Crypt('hellohellohellohello', 'Q1w2E3r4', '$1$'), MD5CRYPT);
});

t.test('the credential cache verifies once per credential and stays bounded', async (t) => {
  const cache = new CredentialCache(60_000, 2);
  let calls = 0;
  const verify = async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 20));
    return 'alice';
  };
  const results = await Promise.all([cache.lookup('Basic a', verify), cache.lookup('Basic a', verify), cache.lookup('Basic a', verify)]);
  t.same(results, ['alice', 'alice', 'alice']);
  t.equal(calls, 1, 'concurrent checks of one credential share one verification');
  await cache.lookup('Basic a', verify);
  t.equal(calls, 1, 'a cached credential is not verified again');
  t.equal(await cache.lookup('Basic bad', async () => undefined), undefined);
  t.equal(cache.size, 1, 'a failed credential is not cached');
  await cache.lookup('Basic b', verify);
  await cache.lookup('Basic c', verify);
  t.equal(cache.size, 2, 'the cache keeps at most maxEntries');
  const short = new CredentialCache(1, 10);
  await short.lookup('Basic a', verify);
  await new Promise((r) => setTimeout(r, 10));
  await short.lookup('Basic a', verify);
  t.equal(calls, 5, 'an expired credential is verified again');
});

const dir = await mkdtemp(path.join(os.tmpdir(), 'basic-auth-'));
const usersFile = path.join(dir, 'users.htpasswd');
await writeFile(usersFile, `# team\n\nfrank:${APR1}\n  grace:${SHA}  \n`);
const badFile = path.join(dir, 'bad.htpasswd');
await writeFile(badFile, `frank:${APR1}\n\nfrank-without-hash\n`);
const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({
  middlewares: [basicAuthMiddleware],
  dynamic: {
    'auth.yaml': {
      http: {
        routers: {
          inline: { rule: 'PathPrefix(`/inline`)', service: 'echo', middlewares: ['inline'] },
          file: { rule: 'PathPrefix(`/file`)', service: 'echo', middlewares: ['file'] },
          relative: { rule: 'PathPrefix(`/relative`)', service: 'echo', middlewares: ['relative'] },
        },
        middlewares: {
          inline: { basicAuth: { users: [`alice:${BCRYPT_2Y}`, `amy:${BCRYPT_2A}`, `bob:${APR1}`, `carol:${SHA}`, `dave:${MD5CRYPT}`, `beth:${bcrypt2b}`] } },
          file: { basicAuth: { usersFile, users: [`carol:${SHA}`], realm: 'Staff "only"', headerField: 'X-WebAuth-User', removeHeader: true } },
          relative: { basicAuth: { usersFile: path.relative(process.cwd(), usersFile) } },
        },
        services: { echo: service },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

t.test('what clients and the server see', async (t) => {
  const cases: Array<{ name: string; path: string; authorization?: string; status: number; challenge?: string; user?: string }> = [
    { name: 'a request without credentials is challenged with the default realm', path: '/inline', status: 401, challenge: 'Basic realm="traefik"' },
    { name: 'a $2y$ bcrypt user gets through', path: '/inline/a', authorization: basic('alice', 'b-pass'), status: 200 },
    { name: 'a $2a$ bcrypt user gets through', path: '/inline', authorization: basic('amy', 'a-pass'), status: 200 },
    { name: 'a $2b$ bcrypt user gets through', path: '/inline', authorization: basic('beth', 'b-pass'), status: 200 },
    { name: 'an apr1 user gets through', path: '/inline', authorization: basic('bob', 'password'), status: 200 },
    { name: 'a SHA1 user gets through', path: '/inline', authorization: basic('carol', 'secret'), status: 200 },
    { name: 'an MD5-crypt user gets through', path: '/inline', authorization: basic('dave', 'hellohellohellohello'), status: 200 },
    { name: 'a wrong bcrypt password is refused', path: '/inline', authorization: basic('alice', 'wrong'), status: 401, challenge: 'Basic realm="traefik"' },
    { name: 'a wrong apr1 password is refused', path: '/inline', authorization: basic('bob', 'Password'), status: 401 },
    { name: 'an unknown user is refused', path: '/inline', authorization: basic('mallory', 'b-pass'), status: 401 },
    { name: "another user's password is refused", path: '/inline', authorization: basic('bob', 'secret'), status: 401 },
    { name: 'a Bearer token is refused', path: '/inline', authorization: 'Bearer abc', status: 401 },
    { name: 'credentials without a colon are refused', path: '/inline', authorization: `Basic ${Buffer.from('alice').toString('base64')}`, status: 401 },
    { name: 'the scheme name is case-insensitive', path: '/inline', authorization: basic('carol', 'secret').replace('Basic', 'bAsIc'), status: 200 },
    { name: 'a usersFile user gets through, named in headerField, without Authorization', path: '/file', authorization: basic('frank', 'password'), status: 200, user: 'frank' },
    { name: 'inline users are merged with the usersFile', path: '/file', authorization: basic('carol', 'secret'), status: 200, user: 'carol' },
    { name: 'the configured realm is quoted in the challenge', path: '/file', status: 401, challenge: 'Basic realm="Staff \\"only\\""' },
    { name: 'a usersFile relative to the working directory is read', path: '/relative', authorization: basic('grace', 'secret'), status: 200 },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const headers: Record<string, string> = { 'x-webauth-user': 'spoofed' };
      if (c.authorization) headers.authorization = c.authorization;
      const res = await fetch(gw.url(c.path), { headers });
      t.equal(res.status, c.status, 'status');
      if (c.status === 401) {
        t.equal(res.headers.get('www-authenticate'), c.challenge ?? 'Basic realm="traefik"', 'challenge');
        t.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
        t.equal(await res.text(), '401 Unauthorized\n', 'plain text body');
        return;
      }
      const echo = (await res.json()) as Echo;
      t.equal(echo.url, c.path, 'the request reached the server');
      t.equal(echo.headers['x-webauth-user'], c.user ?? 'spoofed', 'headerField carries the user (and only then replaces the client value)');
      t.equal(echo.headers.authorization, c.user ? undefined : c.authorization, 'Authorization is removed only with removeHeader');
    });
  }
});

t.test('a verified bcrypt credential is not hashed again on every request (Traefik #7897)', async (t) => {
  // Cost 12 takes hundreds of milliseconds in pure JavaScript; cached requests must take far less.
  const slow = bcrypt.hashSync('slow-pass', 12);
  await gw.writeDynamic('slow.yaml', {
    http: {
      routers: { slow: { rule: 'PathPrefix(`/slow`)', service: 'echo2', middlewares: ['slow'] } },
      middlewares: { slow: { basicAuth: { users: [`sam:${slow}`] } } },
      services: { echo2: service },
    },
  });
  const timed = async () => {
    const start = performance.now();
    const res = await fetch(gw.url('/slow'), { headers: { authorization: basic('sam', 'slow-pass') } });
    t.equal(res.status, 200);
    await res.arrayBuffer();
    return performance.now() - start;
  };
  const first = await timed();
  const later: number[] = [];
  for (let i = 0; i < 5; i++) later.push(await timed());
  later.sort((a, b) => a - b);
  // A cost-12 bcrypt takes about a second here and a cached request milliseconds, so only the order is
  // asserted (a loaded machine stretches both); the verification count is asserted in
  // test/src/middleware/credential-cache.test.ts.
  t.ok(later[2]! < first, `cached median ${later[2]!.toFixed(1)} ms vs first ${first.toFixed(1)} ms`);
  const wrong = await fetch(gw.url('/slow'), { headers: { authorization: basic('sam', 'other') } });
  t.equal(wrong.status, 401, 'the cache never lets a different password through');
});

t.test('configuration errors disable the middleware and its router only', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a user line without a hash', config: { basicAuth: { users: ['alice'] } }, error: /users\[0\]: expected "name:hash"/ },
    { name: 'a user line with two colons', config: { basicAuth: { users: [`bob:${APR1}`, 'x:y:z'] } }, error: /users\[1\]: expected "name:hash"/ },
    { name: 'a plain-text password', config: { basicAuth: { users: ['eve:hunter2'] } }, error: /users\[0\]: unsupported password hash for user "eve"/ },
    { name: 'an unreadable usersFile is named', config: { basicAuth: { usersFile: path.join(dir, 'missing') } }, error: /usersFile: cannot read ".*missing": ENOENT/ },
    { name: 'a bad line in the usersFile is named with its line', config: { basicAuth: { usersFile: badFile } }, error: /usersFile ".*bad.htpasswd" line 3: expected "name:hash"/ },
    { name: 'no users at all', config: { basicAuth: {} }, error: /no users: set users or usersFile/ },
    { name: 'an unknown option', config: { basicAuth: { users: [`bob:${APR1}`], realms: 'x' } }, error: /realms/ },
  ]);
});
