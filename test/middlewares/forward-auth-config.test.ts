import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { forwardAuthMiddleware } from '../../middlewares/forward-auth/index.js';
import { startTlsAuthServer } from '../helpers/auth-server.js';
import { createTestCA } from '../helpers/certs.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

const pki = createTestCA();
const server = pki.issue(['127.0.0.1']);
const client = pki.issue(['gateway-client'], { client: true });
const auth = await startTlsAuthServer(server.cert, server.key, pki.ca.cert);
const backend = await startEchoBackend();
const address = `${auth.url}/verify`;
const notPem = path.join(path.dirname(pki.ca.certFile), 'not-a-cert.pem');
writeFileSync(notPem, 'hello');
const middlewares: Record<string, unknown> = {
  untrusted: { forwardAuth: { address } },
  caFile: { forwardAuth: { address, tls: { ca: pki.ca.certFile } } },
  caInline: { forwardAuth: { address, tls: { ca: pki.ca.cert } } },
  insecure: { forwardAuth: { address, tls: { insecureSkipVerify: true } } },
  mutual: { forwardAuth: { address, tls: { ca: pki.ca.certFile, cert: client.certFile, key: client.keyFile } } },
};
const routers = Object.fromEntries(Object.keys(middlewares).map((name) => [name, { rule: `PathPrefix(\`/${name}\`)`, service: 'echo', middlewares: [name] }]));
const gw = await startTestGateway({
  middlewares: [forwardAuthMiddleware],
  dynamic: { 'fa.yaml': { http: { routers, middlewares, services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
  await auth.close();
});

t.test('an https auth server', async (t) => {
  const cases: Array<{ name: string; path: string; status: number; clientCert?: string }> = [
    { name: 'an unknown CA fails the auth call with 500', path: '/untrusted', status: 500 },
    { name: 'tls.ca as a file trusts it', path: '/caFile', status: 200 },
    { name: 'tls.ca as PEM text trusts it', path: '/caInline', status: 200 },
    { name: 'insecureSkipVerify skips verification', path: '/insecure', status: 200 },
    { name: 'tls.cert and tls.key present a client certificate', path: '/mutual', status: 200, clientCert: 'gateway-client' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const before = auth.seen.length;
      const res = await fetch(gw.url(c.path), { headers: { authorization: 'Bearer good' } });
      t.equal(res.status, c.status);
      await res.text();
      if (c.status === 200) t.equal(auth.seen.at(-1)?.clientCert, c.clientCert, 'client certificate');
      else t.equal(auth.seen.length, before, 'the auth server never got the request');
    });
  }
});

t.test('configuration errors disable the middleware and its router only', async (t) => {
  const fa = (extra: Record<string, unknown>) => ({ forwardAuth: { address, ...extra } });
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'a missing address', config: { forwardAuth: {} }, error: /address/ },
    { name: 'an address that is not a URL', config: { forwardAuth: { address: 'auth:9000' } }, error: /address: "auth:9000" must be an http or https URL/ },
    { name: 'an address that is not even parsable', config: { forwardAuth: { address: 'http://' } }, error: /address: "http:\/\/" is not a URL/ },
    { name: 'an invalid authResponseHeadersRegex', config: fa({ authResponseHeadersRegex: '^X-(' }), error: /authResponseHeadersRegex: invalid regular expression "\^X-\("/ },
    { name: 'an unreadable CA file', config: fa({ tls: { ca: '/nonexistent/ca.pem' } }), error: /tls\.ca: cannot read "\/nonexistent\/ca\.pem": ENOENT/ },
    { name: 'a CA file that holds no certificate', config: fa({ tls: { ca: notPem } }), error: /tls\.ca: ".*not-a-cert\.pem" holds no PEM certificate/ },
    { name: 'a key that does not belong to the certificate', config: fa({ tls: { cert: client.certFile, key: server.keyFile } }), error: /tls: unusable certificate, key or CA/ },
    { name: 'a certificate without its key', config: fa({ tls: { cert: client.certFile } }), error: /tls: cert and key must be set together/ },
    { name: 'cache together with forwardBody', config: fa({ forwardBody: true, cache: { ttl: '1m' } }), error: /cache: cannot be combined with forwardBody/ },
    { name: 'a cache without ttl', config: fa({ cache: { key: ['Authorization'] } }), error: /ttl/ },
    { name: 'a negative cache ttl', config: fa({ cache: { ttl: '-1s' } }), error: /cache: ttl and negativeTtl must not be negative/ },
    { name: 'maxBodySize below -1', config: fa({ maxBodySize: -2 }), error: /maxBodySize/ },
    { name: 'an unknown option', config: fa({ trustForwardHeaders: true }), error: /trustForwardHeaders/ },
  ]);
});
