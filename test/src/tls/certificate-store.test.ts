import t from 'tap';
import { CertificateStore, certificateNames } from '../../../src/tls/certificate-store.js';
import { createTestCA } from '../../helpers/certs.js';

const ca = createTestCA();
const exact = ca.issue(['a.example.com', 'b.example.com']);
const wildcard = ca.issue(['*.example.com']);

t.test('certificates are found by exact name, then one-label wildcard', async (t) => {
  const store = new CertificateStore();
  store.addCertificate([], wildcard.cert, wildcard.key, 'file');
  store.addCertificate([], exact.cert, exact.key, 'file');
  const cases: Array<[string, string | undefined]> = [
    ['a.example.com', 'a.example.com'],
    ['B.Example.COM', 'a.example.com'],
    ['a.example.com.', 'a.example.com'],
    ['c.example.com', '*.example.com'],
    ['x.c.example.com', undefined],
    ['example.com', undefined],
    ['other.test', undefined],
  ];
  for (const [name, expected] of cases) {
    await t.test(`${name} gets ${expected ?? 'nothing'}`, async (t) => t.equal(store.lookup(name)?.names[0], expected));
  }
});

t.test('names default to the certificate SANs, and the first certificate for a name wins', async (t) => {
  t.same(certificateNames(exact.cert), ['a.example.com', 'b.example.com']);
  const store = new CertificateStore();
  const first = store.addCertificate(['a.example.com'], exact.cert, exact.key, 'acme');
  store.addCertificate([], exact.cert, exact.key, 'file');
  t.equal(store.lookup('a.example.com'), first);
  t.equal(store.entries().length, 2);
});

t.test('a store built from the one it replaces keeps the entries of unchanged certificates', async (t) => {
  const first = new CertificateStore();
  const kept = first.addCertificate([], exact.cert, exact.key, 'file');
  const renamed = first.addCertificate(['a.example.com'], wildcard.cert, wildcard.key, 'acme');
  const next = new CertificateStore(first);
  t.equal(next.addCertificate([], exact.cert, exact.key, 'file'), kept, 'same names, PEMs and source: the same entry');
  t.not(next.addCertificate(['c.example.com'], wildcard.cert, wildcard.key, 'acme'), renamed, 'other names: a new entry');
  t.not(next.addCertificate([], exact.cert, exact.key, 'acme'), kept, 'another source: a new entry');
  t.equal(next.lookup('a.example.com'), kept);
  const third = new CertificateStore(next);
  t.equal(third.addCertificate([], exact.cert, exact.key, 'file'), kept, 'still the same two rebuilds later');
});
