import t from 'tap';
import http from 'node:http';
import { createChallengeResponders } from '../../../src/acme/challenges.js';
import { acmeHttpRouter } from '../../../src/acme/http-challenge-router.js';

t.test('a relay sees every change of the pending answers and relayed() waits for it', async (t) => {
  const responders = createChallengeResponders();
  await responders.relayed();
  t.pass('nothing to wait for without relays');
  const seen: string[][] = [];
  let release!: () => void;
  const off = responders.relay(async () => {
    seen.push(responders.alpnCertificates().map((c) => c.servername));
    await new Promise<void>((r) => (release = r));
  });
  const remove = responders.addAlpn('A.test', { cert: 'c', key: 'k' });
  t.same(seen, [['a.test']], 'the relay ran with the new certificate');
  let done = false;
  const waiting = responders.relayed().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  t.notOk(done, 'relayed() waits for the relay');
  release();
  await waiting;
  remove();
  t.same(seen, [['a.test'], []], 'a removal is relayed too');
  release();
  const token = responders.addHttp('tok', 'tok.thumb');
  t.same(seen, [['a.test'], [], []], 'an HTTP-01 token is a change too (orders wait for the workers to serve)');
  release();
  token();
  release();
  off();
  responders.addAlpn('b.test', { cert: 'c', key: 'k' });
  t.equal(seen.length, 4, 'a removed relay is not called');
});

t.test('acme-http@internal answers from an asynchronous source, 404 when it fails or has nothing', async (t) => {
  const answers: Record<string, () => Promise<string | undefined>> = {
    tok: async () => 'tok.thumb',
    none: async () => undefined,
    broken: async () => Promise.reject(new Error('control process gone')),
  };
  const router = acmeHttpRouter('web', (token) => answers[token]?.());
  const server = http.createServer((req, res) => void router.route.value(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/acme-challenge/`;
  const table: Array<[string, number, string]> = [
    ['tok', 200, 'tok.thumb'],
    ['none', 404, ''],
    ['broken', 404, ''],
    ['unknown', 404, ''],
  ];
  for (const [token, status, body] of table) {
    const response = await fetch(base + token);
    t.equal(response.status, status, token);
    t.equal(await response.text(), body);
  }
});
