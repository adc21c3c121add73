import t from 'tap';
import type { Acme } from '../../../src/acme/index.js';
import { createChallengeResponders } from '../../../src/acme/challenges.js';
import { createLogger } from '../../../src/log.js';
import { createAcmeRelay, type RelayWorker } from '../../../src/workers/primary-acme.js';
import type { ToWorker } from '../../../src/workers/protocol.js';

// The control process's relay against the real challenge responders an order uses: what an order's
// `relayed()` waits for decides whether the CA may connect to the workers yet.
function setUp(serving: () => boolean = () => true) {
  const responders = createChallengeResponders();
  const acme = {
    source: { certificates: () => [], onChange: () => () => undefined },
    acmeHttpChallengeHandler: responders.httpChallenge,
    relayChallenges: (relay: (alpn: ReturnType<typeof responders.alpnCertificates>) => Promise<void>) => responders.relay(() => relay(responders.alpnCertificates())),
  } as unknown as Acme;
  const sent: Array<{ worker: number; message: ToWorker }> = [];
  const workers: RelayWorker[] = [1, 2].map((id) => ({ id, send: (message) => sent.push({ worker: id, message }) }));
  const relay = createAcmeRelay(acme, { workers: () => workers, serving, log: createLogger({ level: 'ERROR' } as never) });
  t.teardown(() => relay.close());
  const ack = (worker: RelayWorker) => {
    for (const { worker: id, message } of sent) if (id === worker.id && message.type === 'switchyard:alpn-challenges') relay.handle(worker, { type: 'switchyard:alpn-challenges-applied', id: message.id });
  };
  return { responders, relay, workers, sent, ack };
}

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
};

const cases: Array<{ name: string; changes: (r: ReturnType<typeof createChallengeResponders>) => void }> = [
  { name: 'a TLS-ALPN-01 certificate alone', changes: (r) => void r.addAlpn('tls.app.test', { cert: 'C', key: 'K' }) },
  {
    // Another resolver's HTTP-01 answer right after: its relay call sees the same TLS-ALPN-01 set and must not end early.
    name: 'a TLS-ALPN-01 certificate, then an HTTP-01 answer',
    changes: (r) => {
      r.addAlpn('tls.app.test', { cert: 'C', key: 'K' });
      r.addHttp('token', 'token.thumbprint');
    },
  },
  {
    name: 'an HTTP-01 answer, then a TLS-ALPN-01 certificate',
    changes: (r) => {
      r.addHttp('token', 'token.thumbprint');
      r.addAlpn('tls.app.test', { cert: 'C', key: 'K' });
    },
  },
];

for (const { name, changes } of cases) {
  t.test(`${name}: an order waits until every worker acknowledged the certificate`, async (t) => {
    const { responders, workers, sent, ack } = setUp();
    changes(responders);
    const relayed = responders.relayed();
    t.notOk(await settled(relayed), 'not before any acknowledgement');
    t.same(
      sent.filter((s) => s.message.type === 'switchyard:alpn-challenges').map((s) => s.worker),
      [1, 2],
      'each worker got the set once',
    );
    ack(workers[0]!);
    t.notOk(await settled(relayed), 'not before the last worker acknowledged');
    ack(workers[1]!);
    t.ok(await settled(relayed), 'once both did');
  });
}

t.test('an HTTP-01 answer alone waits for nobody: the workers ask for it', async (t) => {
  const { responders, sent } = setUp();
  responders.addHttp('token', 'token.thumbprint');
  t.ok(await settled(responders.relayed()));
  t.equal(sent.length, 0);
});

t.test('changes reach the workers in order: a call that waited longer never sends an older set', async (t) => {
  // The HTTP-01 change sees no TLS-ALPN-01 certificate and waits for the workers; the TLS-ALPN-01 change
  // right after finds them serving at once (they just finished starting).
  const box: { responders?: ReturnType<typeof createChallengeResponders> } = {};
  const { responders, workers, sent, ack } = setUp(() => box.responders!.alpnCertificates().length > 0);
  box.responders = responders;
  responders.addHttp('token', 'token.thumbprint');
  responders.addAlpn('tls.app.test', { cert: 'C', key: 'K' });
  const relayed = responders.relayed();
  let done = false;
  void relayed.then(() => (done = true));
  while (!done) {
    for (const worker of workers) ack(worker);
    await new Promise((r) => setTimeout(r, 20));
  }
  // The first call's wait ends within one polling interval: let it run.
  await new Promise((r) => setTimeout(r, 250));
  for (const worker of workers) {
    const last = sent.filter((s) => s.worker === worker.id && s.message.type === 'switchyard:alpn-challenges').at(-1)?.message;
    t.same(last && 'challenges' in last && last.challenges.map((c) => c.servername), ['tls.app.test'], `worker ${worker.id} keeps the certificate`);
  }
});
