import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import type { Provider, ProviderSnapshot } from '../../src/provider/provider.js';
import type { DynamicConfig } from '../../src/config/dynamic-schema.js';

/** A provider that delivers one fixed snapshot and then waits for the end. */
function fixedProvider(name: string, config: DynamicConfig): Provider {
  return {
    name,
    async *watch(signal: AbortSignal): AsyncIterable<ProviderSnapshot> {
      yield { config, errors: [] };
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
    state: () => ({ connected: true }),
  };
}

// Dynamic configuration from several providers is merged with name@provider names, and references
// may cross providers in both directions (traefik-behaviour.md §2).
t.test('routers, services and middlewares of two providers reference each other by name@provider', async (t) => {
  const backend = await startBackend((req, res) => res.end(`${req.url}`));
  t.teardown(() => backend.close());
  const other = fixedProvider('other', {
    http: {
      routers: { 'to-file': { rule: 'PathPrefix(`/to-file`)', service: 'svc@file', middlewares: ['strip-file@file'] } },
      services: { shared: { loadBalancer: { servers: [{ url: backend.url }] } } },
      middlewares: { 'strip-other': { stripPrefix: { prefixes: ['/to-other'] } } },
    },
  });
  const gw = await startTestGateway({
    extraProviders: [other],
    dynamic: {
      'app.yaml': {
        http: {
          routers: {
            'to-other': { rule: 'PathPrefix(`/to-other`)', service: 'shared@other', middlewares: ['strip-other@other'] },
            'local-missing': { rule: 'PathPrefix(`/missing`)', service: 'shared' },
          },
          services: { svc: { loadBalancer: { servers: [{ url: backend.url }] } } },
          middlewares: { 'strip-file': { stripPrefix: { prefixes: ['/to-file'] } } },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  // Both providers must have delivered before the merged table has every element.
  const deadline = Date.now() + 15_000;
  const both = () => ['to-file@other', 'to-other@file'].every((name) => gw.gateway.table()?.status.routers[name]);
  while (!both() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const get = async (p: string) => {
    const response = await fetch(gw.url(p));
    return `${response.status}:${await response.text()}`;
  };
  t.equal(await get('/to-other/x'), '200:/x', 'a file router uses a service and a middleware of the other provider');
  t.equal(await get('/to-file/y'), '200:/y', 'a router of the other provider uses a file service and middleware');
  const status = gw.gateway.table()!.status;
  t.equal(status.routers['to-other@file']?.status, 'enabled');
  t.equal(status.routers['to-file@other']?.status, 'enabled');
  t.equal(status.routers['local-missing@file']?.status, 'disabled', 'a bare name is looked up in its own provider only');
  t.match(status.routers['local-missing@file']?.error?.join(' '), /shared@file/);
  t.equal(await get('/missing'), '404:404 page not found\n');
});
