import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { rawRequest, startBackend, statusOf } from '../helpers/backends.js';
import { createTestCA } from '../helpers/certs.js';
import { tlsGet } from '../src/tls/tls-client.js';
import { freePort } from '../helpers/free-port.js';

const ca = createTestCA();
const server = ca.issue(['a.test']);

t.test('an entry point with http.tls makes its routers TLS, and plain HTTP is redirected to it', async (t) => {
  const backend = await startBackend((req, res) => res.end(`${req.headers['x-forwarded-proto']}`));
  // A fixed port: the redirection names the target entry point's configured port.
  const securePort = await freePort();
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        web: { address: '127.0.0.1:0', http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https' } } } },
        websecure: { address: `127.0.0.1:${securePort}`, http: { tls: {} } },
      },
    },
    dynamic: {
      'routes.yaml': {
        http: { routers: { app: { rule: 'Host(`a.test`)', service: 's', entryPoints: ['websecure'] } }, services: { s: { loadBalancer: { servers: [{ url: backend.url }] } } } },
        tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }] },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  await t.test('a router without tls is served over HTTPS on that entry point', async (t) => {
    const result = await tlsGet(gw.port('websecure'), { servername: 'a.test' });
    t.equal(result.status, 200, result.error ?? '');
    t.equal(result.body, 'https');
    t.equal(result.servedCN, 'a.test');
  });

  await t.test('and not over plain HTTP there', async (t) => {
    const plain = await rawRequest(gw.port('websecure'), 'GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n');
    t.equal(statusOf(plain.text), 404);
  });

  await t.test('plain HTTP on the redirecting entry point goes to the HTTPS one, which serves it', async (t) => {
    const redirected = await rawRequest(gw.port('web'), 'GET /x?y=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n');
    t.equal(statusOf(redirected.text), 301);
    const location = /\r\nLocation: ([^\r]+)/i.exec(redirected.text)?.[1] ?? '';
    const url = new URL(location);
    t.equal(url.protocol, 'https:');
    t.equal(url.hostname, 'a.test');
    t.equal(`${url.pathname}${url.search}`, '/x?y=1');
    t.equal(Number(url.port), securePort);
    const followed = await tlsGet(Number(url.port), { servername: url.hostname, path: `${url.pathname}${url.search}`, ca: ca.ca.cert, rejectUnauthorized: true });
    t.equal(followed.status, 200, followed.error ?? '');
  });
});
