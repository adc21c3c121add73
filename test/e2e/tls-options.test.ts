import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { tlsGet } from '../src/tls/tls-client.js';

const ca = createTestCA();
const stranger = createTestCA();
const server = ca.issue(['a.test', '*.mtls.test', 'v13.test', 'v12.test', 'cipher.test', 'broken.test']);
const client = ca.issue(['client.test'], { client: true });
const foreign = stranger.issue(['client.test'], { client: true });
const AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;

t.test('TLS options are chosen per SNI name and enforced at the handshake', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const routers: Record<string, unknown> = {
    a: { rule: 'Host(`a.test`)', service: 's', tls: {} },
    v13: { rule: 'Host(`v13.test`)', service: 's', tls: { options: 'tls13' } },
    v12: { rule: 'Host(`v12.test`)', service: 's', tls: { options: 'tls12' } },
    cipher: { rule: 'Host(`cipher.test`)', service: 's', tls: { options: 'onecipher' } },
    broken: { rule: 'Host(`broken.test`)', service: 's', tls: { options: 'broken' } },
    missing: { rule: 'Host(`missing.test`)', service: 's', tls: { options: 'nosuch' } },
  };
  const options: Record<string, unknown> = {
    tls13: { minVersion: 'VersionTLS13' },
    tls12: { maxVersion: 'VersionTLS12' },
    onecipher: { maxVersion: 'VersionTLS12', cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], curvePreferences: ['CurveP256'] },
    broken: { minVersion: 'VersionTLS99' },
  };
  for (const type of AUTH_TYPES) {
    routers[type] = { rule: `Host(\`${type.toLowerCase()}.mtls.test\`)`, service: 's', tls: { options: type } };
    options[type] = { clientAuth: { clientAuthType: type, ...(type === 'NoClientCert' ? {} : { caFiles: [ca.ca.certFile] }) } };
  }
  const gw = await startTestGateway({
    dynamic: {
      'routes.yaml': {
        http: { routers, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } },
        tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const port = gw.port();

  // [client certificate, expected to be served] per mode: none, one the CA signed, one it did not.
  const expected: Record<(typeof AUTH_TYPES)[number], [boolean, boolean, boolean]> = {
    NoClientCert: [true, true, true],
    RequestClientCert: [true, true, true],
    RequireAnyClientCert: [false, true, true],
    VerifyClientCertIfGiven: [true, true, false],
    RequireAndVerifyClientCert: [false, true, false],
  };
  for (const type of AUTH_TYPES) {
    const [none, trusted, untrusted] = expected[type];
    const name = `${type.toLowerCase()}.mtls.test`;
    for (const [label, creds, ok] of [['no', {}, none], ['a trusted', { cert: client.cert, key: client.key }, trusted], ['an untrusted', { cert: foreign.cert, key: foreign.key }, untrusted]] as const) {
      await t.test(`${type} ${ok ? 'serves' : 'refuses'} a client with ${label} certificate`, async (t) => {
        const result = await tlsGet(port, { servername: name, ...creds });
        if (ok) t.equal(result.status, 200, result.error ?? '');
        else t.equal(result.status, undefined, 'no answer');
      });
    }
  }

  await t.test('minVersion VersionTLS13 refuses a TLS 1.2 client', async (t) => {
    t.equal((await tlsGet(port, { servername: 'v13.test', maxVersion: 'TLSv1.2' })).status, undefined);
    const ok = await tlsGet(port, { servername: 'v13.test' });
    t.equal(ok.protocol, 'TLSv1.3');
    t.equal(ok.status, 200);
  });

  await t.test('maxVersion VersionTLS12 caps the handshake at TLS 1.2', async (t) => {
    const result = await tlsGet(port, { servername: 'v12.test' });
    t.equal(result.protocol, 'TLSv1.2');
    t.equal(result.status, 200);
  });

  await t.test('the default options refuse TLS 1.1', async (t) => {
    t.equal((await tlsGet(port, { servername: 'a.test', minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).status, undefined);
  });

  await t.test('cipherSuites limit the TLS 1.2 suites', async (t) => {
    const refused = await tlsGet(port, { servername: 'cipher.test', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
    t.equal(refused.status, undefined);
    const served = await tlsGet(port, { servername: 'cipher.test' });
    t.equal(served.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    t.equal(served.status, 200);
  });

  await t.test('a Host needing other TLS options than the handshake used gets 421', async (t) => {
    const fronted = await tlsGet(port, { servername: 'a.test', host: 'v13.test' });
    t.equal(fronted.status, 421);
    const mtlsBypass = await tlsGet(port, { servername: 'a.test', host: 'requireandverifyclientcert.mtls.test' });
    t.equal(mtlsBypass.status, 421, 'client authentication cannot be skipped through another SNI name');
    t.equal((await tlsGet(port, { servername: 'v13.test', host: 'v13.test:443' })).status, 200, 'the port does not matter');
  });

  await t.test('a broken TLS option disables its routers instead of serving them with weaker settings', async (t) => {
    const status = gw.gateway.table()!.status.routers['broken@file']!;
    t.equal(status.status, 'disabled');
    t.match(status.error?.join('\n'), /VersionTLS99/);
    t.equal((await tlsGet(port, { servername: 'broken.test' })).status, 404);
    const missing = gw.gateway.table()!.status.routers['missing@file']!;
    t.equal(missing.status, 'disabled');
    t.match(missing.error?.join('\n'), /unknown TLS options: nosuch@file/);
  });
});

t.test('conflicting TLS options for one host fall back to the default options with a warning', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            one: { rule: 'Host(`a.test`) && Path(`/one`)', service: 's', tls: { options: 'tls13' } },
            two: { rule: 'Host(`a.test`) && Path(`/two`)', service: 's', tls: {} },
          },
          services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
        tls: { options: { tls13: { minVersion: 'VersionTLS13' } } },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const status = gw.gateway.table()!.status.routers['one@file']!;
  t.equal(status.status, 'warning');
  t.match(status.error?.join('\n'), /different TLS options/);
  const result = await tlsGet(gw.port(), { servername: 'a.test', path: '/one', maxVersion: 'TLSv1.2' });
  t.equal(result.status, 200, 'the default options (TLS 1.2) are used');
});

t.test('sniStrict refuses handshakes without a known name', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const gw = await startTestGateway({
    dynamic: {
      'routes.yaml': {
        http: { routers: { a: { rule: 'Host(`a.test`)', service: 's', tls: {} } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } },
        tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: { default: { sniStrict: true } } },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const cases: Array<[string, string | undefined, boolean]> = [
    ['a known name is served', 'a.test', true],
    ['an unknown name is refused', 'unknown.test', false],
    ['a handshake without SNI is refused', undefined, false],
  ];
  for (const [name, servername, ok] of cases) {
    await t.test(name, async (t) => {
      const result = await tlsGet(gw.port(), { ...(servername ? { servername } : {}), host: 'a.test' });
      t.equal(result.status, ok ? 200 : undefined, result.error ?? '');
    });
  }
});

t.test('a configured default certificate replaces the generated one', async (t) => {
  const fallback = ca.issue(['fallback.test']);
  const gw = await startTestGateway({
    dynamic: { 'tls.yaml': { tls: { stores: { default: { defaultCertificate: { certFile: fallback.certFile, keyFile: fallback.keyFile } } } } } },
  });
  t.teardown(() => gw.close());
  t.equal((await tlsGet(gw.port(), { servername: 'nothing.test' })).servedCN, 'fallback.test');
  t.equal((await tlsGet(gw.port(), {})).servedCN, 'fallback.test', 'also without SNI');
});
