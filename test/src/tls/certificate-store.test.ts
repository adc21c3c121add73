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
