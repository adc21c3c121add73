import http from 'node:http';
import t from 'tap';
import { inFlightReqMiddleware } from '../../middlewares/in-flight-req.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

// The back end holds every request until the test releases it, so "in flight" is under the test's control.
const held: Array<() => void> = [];
const backend = await startBackend((req, res) => {
  if (!req.url?.includes('/slow')) return void res.end('fast');
  held.push(() => res.end(`done ${req.url}`));
});
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({ middlewares: [inFlightReqMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  releaseAll();
  await gw.close();
  await backend.close();
});

let installs = 0;

/** Installs two routers sharing one inFlightReq; a fresh router name each time, so an unchanged file still reloads. */
async function install(options: Record<string, unknown>): Promise<void> {
  await gw.writeDynamic('ifr.yaml', {
    http: {
      routers: {
        [`marker${++installs}`]: { rule: 'PathPrefix(`/marker`)', service: 'svc' },
        one: { rule: 'PathPrefix(`/one`)', service: 'svc', middlewares: ['cap'] },
        two: { rule: 'PathPrefix(`/two`)', service: 'svc', middlewares: ['cap'] },
      },
      middlewares: { cap: { inFlightReq: options } },
      services: { svc: service },
    },
  });
}

interface Sent {
  status: Promise<number>;
  abort(): void;
}

function send(path: string, headers: Record<string, string> = {}): Sent {
  let req!: http.ClientRequest;
  const status = new Promise<number>((resolve) => {
    req = http.get(gw.url(path), { headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', () => resolve(0));
  });
  return { status, abort: () => req.destroy() };
}

async function heldCount(n: number): Promise<void> {
  while (held.length < n) await new Promise((r) => setTimeout(r, 5));
}

function releaseAll(): void {
  for (const release of held.splice(0)) release();
}

t.test('requests over the amount get 429 while the others are in progress', async (t) => {
  await install({ amount: 2 });
  const a = send('/one/slow-a');
  const b = send('/two/slow-b');
  await heldCount(2);
  const c = send('/one/slow-c');
  t.equal(await c.status, 429, 'a third request is refused, the counter being shared by both routers');
  releaseAll();
  t.same(await Promise.all([a.status, b.status]), [200, 200], 'the held requests complete');
  const d = send('/one/fast');
  t.equal(await d.status, 200, 'finished responses free their places');
});

t.test('the refusal is plain text with the status text', async (t) => {
  await install({ amount: 1 });
  const a = send('/one/slow-a');
  await heldCount(1);
  const res = await fetch(gw.url('/one/fast'));
  t.equal(res.status, 429);
  t.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.equal(await res.text(), 'Too Many Requests\n');
  releaseAll();
  await a.status;
});

t.test('a client that goes away frees its place', async (t) => {
  await install({ amount: 1 });
  const a = send('/one/slow-a');
  await heldCount(1);
  a.abort();
  await a.status;
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = await send('/one/fast').status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(status, 200, 'the next request is served once the gateway saw the client leave');
  releaseAll();
});

t.test('by default each host has its own counter', async (t) => {
  await install({ amount: 1 });
  const a = send('/one/slow-a', { host: 'a.test' });
  await heldCount(1);
  t.equal(await send('/one/fast', { host: 'b.test' }).status, 200, 'another host is not limited');
  t.equal(await send('/one/fast', { host: 'a.test' }).status, 429, 'the same host is');
  releaseAll();
  await a.status;
});

t.test('requestHeaderName groups by a header instead', async (t) => {
  await install({ amount: 1, sourceCriterion: { requestHeaderName: 'X-User' } });
  const a = send('/one/slow-a', { 'x-user': 'ann', host: 'a.test' });
  await heldCount(1);
  t.equal(await send('/one/fast', { 'x-user': 'bob', host: 'a.test' }).status, 200, 'another user passes');
  t.equal(await send('/one/fast', { 'x-user': 'ann', host: 'b.test' }).status, 429, 'the same user is limited on any host');
  releaseAll();
  await a.status;
});

t.test('configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a missing amount is rejected', config: { inFlightReq: {} }, error: /amount/ },
    { name: 'an amount of zero is rejected', config: { inFlightReq: { amount: 0 } }, error: /amount/ },
    {
      name: 'two source criteria at once are rejected',
      config: { inFlightReq: { amount: 1, sourceCriterion: { requestHost: true, ipStrategy: { depth: 1 } } } },
      error: /sourceCriterion: set only one/,
    },
    { name: 'an unknown option is rejected', config: { inFlightReq: { amount: 1, amout: 2 } }, error: /amout/ },
  ]);
});
