import t from 'tap';
import { createAcmeResolver } from '../../../src/acme/resolver.js';
import type { AcmeResolverConfig } from '../../../src/acme/resolver-config.js';
import type { StoredCertificate } from '../../../src/acme/storage.js';
import { silentLogger } from '../../../src/log.js';
import { createTestCA } from '../../helpers/certs.js';

// A wanted domain that a held certificate already covers (a wildcard, or another certificate's SANs) is not
// ordered; the held certificates are looked up by name, so many wanted domains do not each scan all of them.

const ca = createTestCA();
const wildcard = ca.issue(['*.example.test']);
const pair = ca.issue(['a.test', 'b.test']);
const stored: StoredCertificate[] = [
  { domain: { main: '*.example.test', sans: [] }, certificate: wildcard.cert, key: wildcard.key },
  { domain: { main: 'a.test', sans: ['b.test'] }, certificate: pair.cert, key: pair.key },
];

function resolver() {
  let orders = 0;
  const r = createAcmeResolver({ name: 'le' } as AcmeResolverConfig, {
    storage: {
      read: async () => ({ certificates: stored }),
      update: async (_name, change) => change({ certificates: stored }),
      lock: async () => async () => undefined,
    },
    queue: {
      // Counts what would be ordered; the order itself fails at once (no CA here) and waits for its backoff.
      run: async () => {
        orders++;
        throw new Error('no CA in this test');
      },
      pending: () => ({ waiting: 0, running: 0 }),
      close: () => undefined,
    },
    responders: {} as never,
    log: silentLogger,
  });
  return { r, orders: () => orders };
}

const cases: Array<{ name: string; main: string; sans?: string[]; ordered: boolean }> = [
  { name: 'a name under the held wildcard', main: 'www.example.test', ordered: false },
  { name: 'the SAN of another held certificate', main: 'b.test', ordered: false },
  { name: 'both names of a held certificate, the other way round', main: 'b.test', sans: ['a.test'], ordered: false },
  { name: 'two labels under the wildcard', main: 'x.www.example.test', ordered: true },
  { name: 'a held name with one more that is not', main: 'a.test', sans: ['c.test'], ordered: true },
  { name: 'the wildcard domain itself', main: 'example.test', ordered: true },
  { name: 'a name nobody holds', main: 'new.test', ordered: true },
];

for (const c of cases) {
  t.test(`${c.name}: ${c.ordered ? 'ordered' : 'not ordered'}`, async (t) => {
    const { r, orders } = resolver();
    t.teardown(() => r.close());
    await r.start();
    r.want([{ main: c.main, sans: c.sans ?? [] }]);
    await r.idle();
    t.equal(orders(), c.ordered ? 1 : 0);
  });
}

t.test('1,000 wanted names under held certificates start no order', async (t) => {
  const { r, orders } = resolver();
  t.teardown(() => r.close());
  await r.start();
  r.want(Array.from({ length: 1000 }, (_, i) => ({ main: `host-${i}.example.test`, sans: [] })));
  await r.idle();
  t.equal(orders(), 0);
});
