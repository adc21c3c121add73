import t from 'tap';
import http from 'node:http';
import { acmeHttpRouter } from '../../../src/acme/http-challenge-router.js';
import { createChallengeResponders } from '../../../src/acme/challenges.js';

t.test('acme-http@internal answers pending tokens, 404 otherwise, and outranks user routers', async (t) => {
  const responders = createChallengeResponders();
  const router = acmeHttpRouter('web', responders.httpChallenge);
  t.equal(router.name, 'acme-http@internal');
  t.same(router.entryPoints, ['web']);
  t.equal(router.tls, false, 'HTTP-01 is plain HTTP');
  t.ok(router.route.priority > Number.MAX_SAFE_INTEGER - 1000, 'above every user priority');
  const server = http.createServer((req, res) => void router.route.value(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/acme-challenge/`;
  const remove = responders.addHttp('tok', 'tok.thumb');
  const table: Array<[string, string, number, string]> = [
    ['GET', 'tok', 200, 'tok.thumb'],
    ['GET', 'other', 404, ''],
    ['POST', 'tok', 404, ''],
    ['GET', '%E0%A4%A', 404, ''],
  ];
  for (const [method, token, status, body] of table) {
    const response = await fetch(base + token, { method });
    t.equal(response.status, status, `${method} ${token}`);
    t.equal(await response.text(), body);
  }
  remove();
  t.equal((await fetch(`${base}tok`)).status, 404, 'gone once the order is done');
});

t.test('ALPN challenge certificates are found by server name, case-insensitively', async (t) => {
  const responders = createChallengeResponders();
  const remove = responders.addAlpn('A.test', { cert: 'c', key: 'k' });
  t.same(responders.alpnChallenge('a.TEST.'), { cert: 'c', key: 'k' });
  remove();
  t.equal(responders.alpnChallenge('a.test'), undefined);
});
