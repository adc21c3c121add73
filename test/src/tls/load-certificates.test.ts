import t from 'tap';
import os from 'node:os';
import { loadCertificates } from '../../../src/tls/load-certificates.js';
import { createTestCA } from '../../helpers/certs.js';

const ca = createTestCA();
const good = ca.issue(['good.test']);
const other = ca.issue(['other.test']);

t.test('unreadable certificates are skipped and reported with where they are configured', async (t) => {
  const cases: Array<{ name: string; pair: { certFile: string; keyFile: string }; message: RegExp }> = [
    { name: 'a missing file', pair: { certFile: 'missing.crt', keyFile: good.keyFile }, message: /missing\.crt/ },
    { name: 'a key of another certificate', pair: { certFile: good.certFile, keyFile: other.keyFile }, message: /does not match/ },
    { name: 'text that is no PEM', pair: { certFile: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----', keyFile: good.key }, message: /./ },
  ];
  for (const c of cases) {
    const loaded = loadCertificates({ certificates: [{ certFile: good.certFile, keyFile: good.keyFile }, c.pair] }, os.tmpdir());
    t.equal(loaded.certificates.length, 1, `${c.name}: the good pair is still loaded`);
    t.equal(loaded.errors.length, 1, `${c.name}: one error`);
    t.equal(loaded.errors[0]?.certificate, 'tls.certificates[1]', `${c.name}: names the entry as a field`);
    t.match(loaded.errors[0]?.message, /^tls\.certificates\[1\]/, `${c.name}: and in the message`);
    t.match(loaded.errors[0]?.message, c.message, `${c.name}: says what is wrong`);
  }
});

t.test('a pair checked before is not parsed again, and only pairs still configured are remembered', async (t) => {
  const first = loadCertificates({ certificates: [{ certFile: good.certFile, keyFile: good.keyFile }, { certFile: other.certFile, keyFile: other.keyFile }] }, os.tmpdir());
  t.equal(first.validated.size, 2);
  // A remembered check answers for the pair: shown here by names the certificate does not carry.
  const remembered = new Map([...first.validated].map(([pem]) => [pem, ['remembered.test']]));
  const second = loadCertificates({ certificates: [{ certFile: good.certFile, keyFile: good.keyFile }] }, os.tmpdir(), remembered);
  t.same(second.certificates[0]?.names, ['remembered.test'], 'the remembered check was used');
  t.equal(second.validated.size, 1, 'the pair no longer configured is forgotten');
  const mismatched = loadCertificates({ certificates: [{ certFile: good.certFile, keyFile: other.keyFile }] }, os.tmpdir(), first.validated);
  t.equal(mismatched.errors.length, 1, 'a pair never checked together is still checked');
});
