import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { digestAuthMiddleware } from '../../middlewares/digest-auth.js';
import { digestMatches, NonceAuthority, NONCE_TTL_MS, parseDigest } from '../../middlewares/auth/digest.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend, type Echo } from '../helpers/traffic-control.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const ha1 = (user: string, realm: string, password: string) => md5(`${user}:${realm}:${password}`);

t.test('the RFC 2617 §3.5 example verifies', async (t) => {
  const header =
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
    'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const params = parseDigest(header)!;
  t.equal(params.username, 'Mufasa');
  t.equal(params.qop, 'auth');
  t.ok(digestMatches(params, ha1('Mufasa', 'testrealm@host.com', 'Circle Of Life'), 'GET'));
  t.notOk(digestMatches(params, ha1('Mufasa', 'testrealm@host.com', 'circle of life'), 'GET'));
  t.notOk(digestMatches(params, ha1('Mufasa', 'testrealm@host.com', 'Circle Of Life'), 'POST'), 'the method is covered');
  t.equal(parseDigest('Basic abc'), undefined);
});

t.test('nonces carry their own proof and age', async (t) => {
  const authority = new NonceAuthority();
  const now = Date.now();
  t.equal(authority.check(authority.mint(now), now), 'valid');
  t.equal(authority.check(authority.mint(now - NONCE_TTL_MS - 1), now), 'stale');
  t.equal(authority.check(authority.mint(now + 60_000), now), 'invalid', 'a nonce from the future is refused');
  const nonce = authority.mint(now);
  t.equal(authority.check(nonce.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), now), 'invalid', 'a tampered nonce is refused');
  t.equal(new NonceAuthority().check(nonce, now), 'invalid', 'another key does not accept it');
  t.equal(authority.check('garbage', now), 'invalid');
  t.ok(authority.count(nonce, 1));
  t.notOk(authority.count(nonce, 1), 'a repeated nonce-count is a replay');
  t.ok(authority.count(nonce, 2));
});

const dir = await mkdtemp(path.join(os.tmpdir(), 'digest-auth-'));
const usersFile = path.join(dir, 'users.digest');
await writeFile(usersFile, `# digest users\nfiona:Files:${ha1('fiona', 'Files', 'f-pass')}\n`);
const backend = await startEchoBackend();
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({
  middlewares: [digestAuthMiddleware],
  dynamic: {
    'digest.yaml': {
      http: {
        routers: {
          inline: { rule: 'PathPrefix(`/inline`)', service: 'echo', middlewares: ['inline'] },
          file: { rule: 'PathPrefix(`/file`)', service: 'echo', middlewares: ['file'] },
        },
        middlewares: {
          inline: { digestAuth: { users: [`alice:traefik:${ha1('alice', 'traefik', 'a-pass')}`, `olga:elsewhere:${ha1('olga', 'elsewhere', 'o-pass')}`] } },
          file: { digestAuth: { usersFile, realm: 'Files', headerField: 'X-WebAuth-User', removeHeader: true } },
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

/** Fetches a challenge for `uri` and returns its parameters. */
async function challenge(uri: string): Promise<Record<string, string>> {
  const res = await fetch(gw.url(uri));
  await res.text();
  return parseDigest(res.headers.get('www-authenticate') ?? '')!;
}

function authorization(ch: Record<string, string>, o: { user: string; password: string; uri: string; method?: string; nc?: number; realm?: string }): string {
  const realm = o.realm ?? ch.realm!;
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = md5(`${ha1(o.user, realm, o.password)}:${ch.nonce}:${nc}:${cnonce}:auth:${md5(`${o.method ?? 'GET'}:${o.uri}`)}`);
  return `Digest username="${o.user}", realm="${realm}", nonce="${ch.nonce}", uri="${o.uri}", algorithm=MD5, response="${response}", opaque="${ch.opaque}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

t.test('the challenge', async (t) => {
  const res = await fetch(gw.url('/inline'));
  t.equal(res.status, 401);
  t.equal(await res.text(), '401 Unauthorized\n');
  t.match(res.headers.get('www-authenticate'), /^Digest realm="traefik", nonce="[^"]+", opaque="[0-9a-f]{32}", algorithm=MD5, qop="auth"$/);
  const file = await challenge('/file');
  t.equal(file.realm, 'Files', 'the configured realm is announced');
});

t.test('what clients and the server see', async (t) => {
  const cases: Array<{ name: string; path: string; user: string; password: string; status: number; uri?: string; method?: string; headerUser?: string; realm?: string }> = [
    { name: 'a correct digest gets through with Authorization kept', path: '/inline/x?q=1', user: 'alice', password: 'a-pass', status: 200 },
    { name: 'a wrong password is refused', path: '/inline', user: 'alice', password: 'nope', status: 401 },
    { name: 'an unknown user is refused', path: '/inline', user: 'mallory', password: 'a-pass', status: 401 },
    { name: "a user of another realm is refused (users are per realm, as in Traefik)", path: '/inline', user: 'olga', password: 'o-pass', status: 401, realm: 'elsewhere' },
    { name: 'a digest computed for another URI is refused', path: '/inline/a', uri: '/inline/b', user: 'alice', password: 'a-pass', status: 401 },
    { name: 'a digest computed for another method is refused', path: '/inline', method: 'POST', user: 'alice', password: 'a-pass', status: 401 },
    { name: 'a usersFile user gets through, named in headerField, without Authorization', path: '/file', user: 'fiona', password: 'f-pass', status: 200, headerUser: 'fiona' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const ch = await challenge(c.path);
      const auth = authorization(ch, { user: c.user, password: c.password, uri: c.uri ?? c.path, realm: c.realm, method: c.method });
      const res = await fetch(gw.url(c.path), { headers: { authorization: auth, 'x-webauth-user': 'spoofed' } });
      t.equal(res.status, c.status);
      if (c.status === 401) {
        t.match(res.headers.get('www-authenticate'), /^Digest /);
        t.notMatch(res.headers.get('www-authenticate'), /stale/);
        await res.text();
        return;
      }
      const echo = (await res.json()) as Echo;
      t.equal(echo.url, c.path);
      t.equal(echo.headers['x-webauth-user'], c.headerUser ?? 'spoofed');
      t.equal(echo.headers.authorization, c.headerUser ? undefined : auth);
    });
  }
});

t.test('nonce-counts: a replay is refused, the next count passes', async (t) => {
  const ch = await challenge('/inline');
  const first = authorization(ch, { user: 'alice', password: 'a-pass', uri: '/inline', nc: 1 });
  t.equal((await fetch(gw.url('/inline'), { headers: { authorization: first } })).status, 200);
  t.equal((await fetch(gw.url('/inline'), { headers: { authorization: first } })).status, 401, 'the same request again is a replay');
  const second = authorization(ch, { user: 'alice', password: 'a-pass', uri: '/inline', nc: 2 });
  t.equal((await fetch(gw.url('/inline'), { headers: { authorization: second } })).status, 200);
});

t.test('a forged nonce is refused without stale', async (t) => {
  const ch = await challenge('/inline');
  const forged = { ...ch, nonce: `${ch.nonce!.split('.').slice(0, 2).join('.')}.${'A'.repeat(27)}` };
  const res = await fetch(gw.url('/inline'), { headers: { authorization: authorization(forged, { user: 'alice', password: 'a-pass', uri: '/inline' }) } });
  t.equal(res.status, 401);
  t.notMatch(res.headers.get('www-authenticate'), /stale/);
});

t.test('an expired nonce with a correct digest gets stale=true', async (t) => {
  const ch = await challenge('/inline');
  const auth = authorization(ch, { user: 'alice', password: 'a-pass', uri: '/inline' });
  const realNow = Date.now;
  // The gateway runs in this process: move its clock past the nonce lifetime (and keep it there for the retry).
  Date.now = () => realNow() + NONCE_TTL_MS + 5000;
  let res: Response;
  let fresh: Record<string, string>;
  let retry: Response;
  try {
    res = await fetch(gw.url('/inline'), { headers: { authorization: auth } });
    fresh = parseDigest(res.headers.get('www-authenticate')!)!;
    retry = await fetch(gw.url('/inline'), { headers: { authorization: authorization(fresh, { user: 'alice', password: 'a-pass', uri: '/inline' }) } });
  } finally {
    Date.now = realNow;
  }
  t.equal(res.status, 401);
  t.match(res.headers.get('www-authenticate'), /, stale=true$/);
  t.not(fresh.nonce, ch.nonce, 'with a fresh nonce');
  t.equal(retry.status, 200, 'the retry with the fresh nonce passes');
});

t.test('configuration errors disable the middleware and its router only', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a user line without a realm', config: { digestAuth: { users: [`alice:${ha1('alice', 'traefik', 'x')}`] } }, error: /users\[0\]: expected "name:realm:HA1"/ },
    { name: 'a hash that is not MD5 hex', config: { digestAuth: { users: ['alice:traefik:secret'] } }, error: /users\[0\]: the hash of user "alice" is not an MD5 hex digest/ },
    { name: 'an unreadable usersFile is named', config: { digestAuth: { usersFile: path.join(dir, 'missing') } }, error: /usersFile: cannot read ".*missing": ENOENT/ },
    { name: 'no users at all', config: { digestAuth: { realm: 'x' } }, error: /no users: set users or usersFile/ },
    { name: 'a wrongly typed option', config: { digestAuth: { users: [], removeHeader: 'yes' } }, error: /removeHeader/ },
  ]);
});
