import t from 'tap';
import { buildTlsOptions } from '../../../src/tls/tls-options.js';
import { createTestCA } from '../../helpers/certs.js';

const ca = createTestCA();

t.test('TLS options translate Traefik names to Node settings', async (t) => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['no settings mean TLS 1.2 and up with h2, http/1.1 and acme-tls/1', {}, { minVersion: 'TLSv1.2', alpnProtocols: ['h2', 'http/1.1', 'acme-tls/1'], clientAuthType: 'NoClientCert', sniStrict: false }],
    ['versions use Go names', { minVersion: 'VersionTLS13', maxVersion: 'VersionTLS13' }, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }],
    ['cipher suites become an OpenSSL list', { cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305'] }, { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305' }],
    ['curves accept Go and SEC names', { curvePreferences: ['CurveP521', 'secp384r1', 'X25519'] }, { ecdhCurve: 'P-521:P-384:X25519' }],
    ['CA files without a type require and verify a client certificate', { clientAuth: { caFiles: [ca.ca.certFile] } }, { clientAuthType: 'RequireAndVerifyClientCert', ca: [ca.ca.cert] }],
    ['an inline CA is read as PEM', { clientAuth: { caFiles: [ca.ca.cert], clientAuthType: 'VerifyClientCertIfGiven' } }, { ca: [ca.ca.cert] }],
    ['sniStrict and alpnProtocols are kept', { sniStrict: true, alpnProtocols: ['http/1.1'] }, { sniStrict: true, alpnProtocols: ['http/1.1'] }],
  ];
  for (const [name, raw, expected] of cases) {
    await t.test(name, async (t) => t.match(buildTlsOptions('x', raw, '/'), expected));
  }
});

t.test('TLS options that cannot be honoured are refused, naming the key', async (t) => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown version', { minVersion: 'VersionTLS99' }, /tls\.options\.x\.minVersion: unknown TLS version "VersionTLS99"/],
    ['a maximum below the minimum', { minVersion: 'VersionTLS13', maxVersion: 'VersionTLS12' }, /maxVersion: VersionTLS12 is below minVersion/],
    ['an unknown cipher suite', { cipherSuites: ['TLS_FAKE'] }, /cipherSuites\[0\]: unknown or unsupported cipher suite "TLS_FAKE"/],
    ['an unknown curve', { curvePreferences: ['CurveP999'] }, /curvePreferences\[0\]: unknown curve/],
    ['an unknown client auth type', { clientAuth: { clientAuthType: 'Maybe' } }, /clientAuthType: unknown type "Maybe"/],
    ['verification without a CA', { clientAuth: { clientAuthType: 'RequireAndVerifyClientCert' } }, /caFiles: RequireAndVerifyClientCert needs at least one CA/],
    ['a CA file that does not exist', { clientAuth: { caFiles: ['/nonexistent/ca.pem'] } }, /caFiles\[0\]: cannot read "\/nonexistent\/ca.pem": ENOENT/],
    ['an unknown key', { minVersoin: 'VersionTLS12' }, /minVersoin: unknown option/],
    ['a non-boolean sniStrict', { sniStrict: 'yes' }, /sniStrict: must be true or false/],
  ];
  for (const [name, raw, message] of cases) {
    await t.test(`${name} is refused`, async (t) => t.throws(() => buildTlsOptions('x', raw, '/'), message));
  }
});

t.test('equal settings have equal keys whatever the option name', async (t) => {
  t.equal(buildTlsOptions('a', { minVersion: 'VersionTLS12' }, '/').key, buildTlsOptions('b', {}, '/').key);
  t.not(buildTlsOptions('a', { minVersion: 'VersionTLS13' }, '/').key, buildTlsOptions('b', {}, '/').key);
});
