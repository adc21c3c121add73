import t, { type Test } from 'tap';
import { consulCatalogProvider } from '../../../providers/consul-catalog/index.js';
import { builtinMiddlewares } from '../../../src/builtins.js';
import { silentLogger } from '../../../src/log.js';
import { startBackend, type Backend } from '../../helpers/backends.js';
import { startConsulFake } from '../../helpers/consul-fake.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness.js';
import { getWithHost, tallyHost, until } from '../../helpers/provider-checks.js';

const ctx = { log: silentLogger, baseDir: process.cwd(), middlewares: builtinMiddlewares() };

async function setup(t: Test, options: Record<string, unknown>, fakeOptions: { token?: string } = {}) {
  const consul = await startConsulFake(fakeOptions);
  t.teardown(() => consul.close());
  const backends: Backend[] = [];
  for (const name of ['a', 'b', 'c']) {
    const backend = await startBackend((req, res) => res.end(`${name} ${req.url}`));
    backends.push(backend);
    t.teardown(() => backend.close());
  }
  const provider = consulCatalogProvider.create({ endpoint: { address: consul.address, ...(fakeOptions.token ? { token: fakeOptions.token } : {}) }, ...options }, ctx);
  return { consul, backends, provider };
}

// Applies a change to the fake and waits for the next routing table.
async function change(gw: TestGateway, what: () => void): Promise<void> {
  const before = gw.gateway.version();
  what();
  await gw.gateway.waitForVersion(before + 1, 5000);
}

t.test('consulCatalog in watch mode: one service per Consul service, one server per healthy instance', async (t) => {
  const { consul, backends, provider } = await setup(t, { watch: true });
  const [a, b, c] = backends as [Backend, Backend, Backend];
  consul.register({ id: 'web-1', name: 'web', address: '127.0.0.1', port: a.port });
  consul.register({ id: 'web-2', name: 'web', address: '127.0.0.1', port: b.port, tags: ['traefik.http.services.web.loadbalancer.server.weight=3'] });
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  const get = (host: string, path = '/') => getWithHost(gw.url(path), host);

  await until('web routes', async () => (await get('web')).startsWith('200'));
  t.same(await tallyHost(gw.url('/'), 'web', 8), { '200 a /': 2, '200 b /': 6 }, 'the default rule Host(`web`) balances over both instances, weight tag applied');
  await until('the provider hangs in blocking queries', () => consul.blocked() >= 2);

  await change(gw, () => consul.setStatus('web-2', 'critical'));
  t.same(await tallyHost(gw.url('/'), 'web', 4), { '200 a /': 4 }, 'a critical instance leaves the pool (health wake-up)');
  await change(gw, () => consul.setStatus('web-2', 'warning'));
  t.same(Object.keys(await tallyHost(gw.url('/'), 'web', 8)).sort(), ['200 a /', '200 b /'], 'a warning instance takes traffic with the default strictChecks');

  await change(gw, () =>
    consul.register({
      id: 'api-1', name: 'my api', address: '127.0.0.1', port: c.port,
      tags: ['traefik.http.routers.api.rule=Host(`api.test`) && PathPrefix(`/v1`)', 'traefik.http.routers.api.middlewares=strip', 'traefik.http.middlewares.strip.stripprefix.prefixes=/v1,/v2', 'TRAEFIK.HTTP.ROUTERS.api.PRIORITY=50'],
    }),
  );
  t.equal(await get('api.test', '/v1/users'), '200 c /users', 'tag routers and middlewares are decoded (case-insensitive, comma lists)');
  t.equal(gw.gateway.table()?.status.routers['api@consulcatalog']?.priority, 50, 'the upper-case tag set the priority');
  t.equal((await get('my-api')).slice(0, 3), '404', 'tag routers replace the default router');

  await change(gw, () => consul.deregister('api-1'));
  t.equal((await get('api.test', '/v1/users')).slice(0, 3), '404', 'a deregistered service is removed');
});

t.test('consulCatalog options shape what is exposed', async (t) => {
  const cases = [
    { name: 'exposedByDefault false exposes only traefik.enable=true', options: { exposedByDefault: false }, expect: { one: true, two: false, three: false } },
    { name: 'constraints keep the instances whose tags match', options: { constraints: 'Tag(`team=blue`) || (TagRegex(`^tier-`) && !Tag(`tier-db`))' }, expect: { one: false, two: true, three: true } },
    { name: 'strictChecks passing drops warning instances', options: { strictChecks: ['passing'] }, expect: { one: true, two: true, three: false } },
    { name: 'a custom prefix reads only its own tags', options: { prefix: 'edge', defaultRule: 'Host(`{{ .Name }}.example`)' }, expect: { one: false, two: false, three: false, 'one.example': true, 'two.example': false } },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const { consul, backends, provider } = await setup(t, { refreshInterval: '50ms', ...c.options });
      consul.register({ id: 'one-1', name: 'one', address: '127.0.0.1', port: backends[0]!.port, tags: ['traefik.enable=true', 'edge.enable=true'] });
      consul.register({ id: 'two-1', name: 'two', address: '127.0.0.1', port: backends[1]!.port, tags: ['team=blue', 'edge.enable=false'] });
      consul.register({ id: 'three-1', name: 'three', address: '127.0.0.1', port: backends[2]!.port, tags: ['tier-web'], status: 'warning' });
      const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
      t.teardown(() => gw.close());
      await until('the first catalog read', () => gw.gateway.view.providerStates().consulcatalog?.lastSnapshotAt !== undefined);
      await until('it is applied', () => Object.keys(gw.gateway.table()?.status.routers ?? {}).some((name) => name.endsWith('@consulcatalog')) || !Object.values(c.expect).some(Boolean));
      for (const [host, exposed] of Object.entries(c.expect)) {
        t.equal((await getWithHost(gw.url('/'), host)).startsWith('200'), exposed, `${host} ${exposed ? 'is' : 'is not'} exposed`);
      }
    });
  }
});

t.test('consulCatalog reports a refused token and conflicting instance tags', async (t) => {
  await t.test('a wrong token', async (t) => {
    const consul = await startConsulFake({ token: 's3cret' });
    t.teardown(() => consul.close());
    const provider = consulCatalogProvider.create({ endpoint: { address: consul.address, token: 'nope' } }, ctx);
    const gw = await startTestGateway({ extraProviders: [provider] });
    t.teardown(() => gw.close());
    await until('the denial is reported', () => /403 ACL not found/.test(gw.gateway.view.providerStates().consulcatalog?.lastError ?? ''));
  });
  await t.test('two instances defining the same router differently', async (t) => {
    const { consul, backends, provider } = await setup(t, { refreshInterval: '50ms' });
    const rule = (host: string) => `traefik.http.routers.r.rule=Host(\`${host}\`)`;
    consul.register({ id: 'x-1', name: 'x', address: '127.0.0.1', port: backends[0]!.port, tags: [rule('one.test')] });
    consul.register({ id: 'x-2', name: 'x', address: '127.0.0.1', port: backends[1]!.port, tags: [rule('two.test')] });
    const gw = await startTestGateway({ extraProviders: [provider] });
    t.teardown(() => gw.close());
    await until('the conflict is reported', () => /router "r" is defined differently by .*"x-1".*"x-2"/.test(gw.gateway.view.providerStates().consulcatalog?.lastError ?? ''));
    t.equal((await getWithHost(gw.url('/'), 'one.test')).slice(0, 3), '404', 'the conflicting router is left out');
  });
});

t.test('consulCatalog refuses unusable options when created', async (t) => {
  const cases = [
    { options: { constraints: 'Tag(`a`) &&' }, error: /providers\.consulCatalog\.constraints: expected Tag or TagRegex/ },
    { options: { constraints: 'Label(`a`)' }, error: /unknown matcher "Label"/ },
    { options: { strictChecks: ['passing', 'healthy'] }, error: /strictChecks: unknown status "healthy"/ },
    { options: { refreshInterval: 'often' }, error: /providers\.consulCatalog\.refreshInterval: invalid duration/ },
  ];
  for (const c of cases) t.throws(() => consulCatalogProvider.create(c.options, ctx), c.error, c.error.source);
});

