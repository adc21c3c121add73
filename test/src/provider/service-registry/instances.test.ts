import t from 'tap';
import { buildRegistryConfig, parseInstance } from '../../../../src/provider/service-registry/index.js';
import { compileConstraints } from '../../../../src/provider/labels/index.js';

const instance = (service: string, id: string, extra: Record<string, unknown> = {}) => parseInstance([service, id], JSON.stringify({ address: '10.0.0.1', port: 8080, ...extra }));

t.test('registry instances become services, filtered by tag constraints, with metadata as rule labels', async (t) => {
  const instances = [
    instance('api', 'a1', { tags: ['public', 'v2'], metadata: { host: 'api.example.com' } }),
    instance('api', 'a2', { tags: ['public'], address: '10.0.0.2' }),
    instance('admin', 'b1', { tags: ['internal'], metadata: { host: 'admin.example.com' } }),
  ];
  const cases = [
    { name: 'no constraints keeps every instance', constraints: undefined, services: ['admin', 'api'], apiServers: 2 },
    { name: 'Tag(`public`) keeps the public instances', constraints: 'Tag(`public`)', services: ['api'], apiServers: 2 },
    { name: 'Tag(`v2`) keeps one api instance', constraints: 'Tag(`v2`)', services: ['api'], apiServers: 1 },
    { name: '!Tag(`public`) keeps admin only', constraints: '!Tag(`public`)', services: ['admin'], apiServers: 0 },
    { name: 'TagRegex matches tags by pattern', constraints: 'TagRegex(`^(in|pub)`)', services: ['admin', 'api'], apiServers: 2 },
  ];
  for (const c of cases) {
    const { config, errors } = buildRegistryConfig(instances, { defaultRule: 'Host(`{{ .Labels.host | default "none.test" }}`)', ...(c.constraints && { constraints: compileConstraints(c.constraints) }) });
    t.same(errors, [], `${c.name}: no errors`);
    const services = (config.http?.services ?? {}) as Record<string, { loadBalancer: { servers: unknown[] } }>;
    t.same(Object.keys(services).sort(), c.services, `${c.name}: services`);
    t.equal(services.api?.loadBalancer.servers.length ?? 0, c.apiServers, `${c.name}: api servers`);
  }
  const { config } = buildRegistryConfig(instances, { defaultRule: 'Host(`{{ .Labels.host | default "none.test" }}`)' });
  const routers = config.http?.routers as Record<string, { rule: string }>;
  t.equal(routers.api!.rule, 'Host(`api.example.com`)', 'the metadata of the service\'s instances feeds .Labels');
  t.equal(routers.admin!.rule, 'Host(`admin.example.com`)');
  const broken = buildRegistryConfig(instances, { defaultRule: 'Host(`{{ .Nope }}`)' });
  t.match(broken.errors, [/service "admin": defaultRule: .*unknown field \.Nope/, /service "api"/], 'a template that cannot be evaluated is an error per service, naming it');
});
