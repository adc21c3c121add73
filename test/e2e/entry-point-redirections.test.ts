import t from 'tap';
import http from 'node:http';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

/** One request without following redirects: status and Location. */
function ask(port: number, method: string, p: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} ${res.headers.location ?? ''}`.trim()));
    });
    req.on('error', reject);
    req.end();
  });
}

// entryPoints.<name>.http.redirections.entryPoint{to, scheme, permanent, priority} (traefik-behaviour.md §1).
t.test('entry point redirections honour scheme, permanent and priority', async (t) => {
  const backend = await startBackend((req, res) => res.end(`served ${req.url}`));
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        temporary: { address: '127.0.0.1:0', http: { redirections: { entryPoint: { to: ':8443', permanent: false } } } },
        plain: { address: '127.0.0.1:0', http: { redirections: { entryPoint: { to: ':80', scheme: 'http' } } } },
        lowered: { address: '127.0.0.1:0', http: { redirections: { entryPoint: { to: ':8443', priority: 10 } } } },
      },
    },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            challenge: { rule: 'PathPrefix(`/.well-known/`)', priority: 100, service: 'app', entryPoints: ['lowered', 'temporary'] },
            low: { rule: 'PathPrefix(`/low`)', priority: 5, service: 'app', entryPoints: ['lowered'] },
          },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const cases: Array<[string, string, string, string, string]> = [
    ['permanent: false answers GET with 302', 'temporary', 'GET', '/p?q=1', '302 https://app.test:8443/p?q=1'],
    ['permanent: false answers POST with 307', 'temporary', 'POST', '/p', '307 https://app.test:8443/p'],
    ['the default priority beats any user router', 'temporary', 'GET', '/.well-known/x', '302 https://app.test:8443/.well-known/x'],
    ['scheme http to port 80 leaves the default port out', 'plain', 'GET', '/x', '301 http://app.test/x'],
    ['a router with a higher priority than the redirection is served', 'lowered', 'GET', '/.well-known/x', '200'],
    ['a router with a lower priority is still redirected', 'lowered', 'GET', '/low', '301 https://app.test:8443/low'],
  ];
  for (const [name, entryPoint, method, p, expected] of cases) {
    await t.test(name, async (t) => {
      t.equal(await ask(gw.port(entryPoint), method, p, 'app.test'), expected);
    });
  }
});
