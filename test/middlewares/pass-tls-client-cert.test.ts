import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { passTlsClientCertMiddleware } from '../../middlewares/pass-tls-client-cert.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { tlsGet } from '../src/tls/tls-client.js';

const ca = createTestCA();
const server = ca.issue(['a.test']);
const client = ca.issue(['client.test', 'alt.test'], { client: true });

t.test('passTLSClientCert through a real HTTPS gateway', async (t) => {
  const backend = await startBackend((req, res) => res.end(JSON.stringify({ pem: req.headers['x-forwarded-tls-client-cert'] ?? null, info: req.headers['x-forwarded-tls-client-cert-info'] ?? null })));
  const router = (path: string, middleware: string) => ({ rule: `Host(\`a.test\`) && Path(\`${path}\`)`, service: 's', middlewares: [middleware], tls: {} });
  const gw = await startTestGateway({
    middlewares: [passTlsClientCertMiddleware],
    dynamic: {
      'routes.yaml': {
        http: {
          routers: { pem: router('/pem', 'pem'), info: router('/info', 'info'), plain: { rule: 'Path(`/plain`)', service: 's', middlewares: ['info'] } },
          middlewares: {
            pem: { passTLSClientCert: { pem: true } },
            info: { passTLSClientCert: { info: { notAfter: true, notBefore: true, sans: true, serialNumber: true, subject: { commonName: true, country: true }, issuer: { commonName: true } } } },
          },
          services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
        tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: { default: { clientAuth: { caFiles: [ca.ca.certFile], clientAuthType: 'RequestClientCert' } } } },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const x509 = new X509Certificate(client.cert);
  const get = async (path: string, withCert: boolean) => {
    const result = await tlsGet(gw.port(), { servername: 'a.test', path, ...(withCert ? { cert: client.cert, key: client.key } : {}) });
    return JSON.parse(result.body ?? '{}') as { pem: string | null; info: string | null };
  };

  await t.test('pem sends the certificate as URL-escaped base64 DER', async (t) => {
    const seen = await get('/pem', true);
    t.equal(seen.pem, encodeURIComponent(x509.raw.toString('base64')));
    t.equal(Buffer.from(decodeURIComponent(seen.pem!), 'base64').equals(x509.raw), true, 'it decodes to the client certificate');
  });

  await t.test('info sends the selected fields', async (t) => {
    const seen = await get('/info', true);
    const info = decodeURIComponent(seen.info ?? '');
    const serial = BigInt(`0x${x509.serialNumber}`).toString();
    t.equal(
      info,
      `Subject="CN=client.test";Issuer="CN=Switchyard Test CA";SerialNumber="${serial}";NB="${Math.floor(Date.parse(x509.validFrom) / 1000)}";NA="${Math.floor(Date.parse(x509.validTo) / 1000)}";SAN="client.test,alt.test"`,
    );
  });

  await t.test('without a client certificate no header is sent', async (t) => {
    t.same(await get('/pem', false), { pem: null, info: null });
  });

  await t.test('headers the client forges are removed', async (t) => {
    const result = await tlsGet(gw.port(), { servername: 'a.test', path: '/pem' });
    t.equal(result.status, 200);
    const plain = await fetch(gw.url('/plain'), { headers: { 'X-Forwarded-Tls-Client-Cert': 'forged', 'X-Forwarded-Tls-Client-Cert-Info': 'forged' } });
    t.same(await plain.json(), { pem: null, info: null });
  });
});
