import t from 'tap';
import { mergeInstanceConfigs, type InstanceConfig } from '../../../../src/provider/labels/merge-instances.js';

// Instances of a registry (Consul catalog services) each give an http section: load balancers of one name pool
// their servers, and any element two instances define differently is left out with an error.

const lb = (url: string, extra: Record<string, unknown> = {}) => ({ loadBalancer: { servers: [{ url }], ...extra } });
const instance = (source: string, http: InstanceConfig['http']): InstanceConfig => ({ source, http });

const cases: Array<{ name: string; instances: InstanceConfig[]; services: Record<string, unknown>; routers?: Record<string, unknown>; errors: RegExp[] }> = [
  {
    name: 'one service on two instances pools their servers in order',
    instances: [instance('a', { services: { web: lb('http://10.0.0.1') } }), instance('b', { services: { web: lb('http://10.0.0.2') } })],
    services: { web: { loadBalancer: { servers: [{ url: 'http://10.0.0.1' }, { url: 'http://10.0.0.2' }] } } },
    errors: [],
  },
  {
    name: 'the same settings beside the servers still pool',
    instances: [instance('a', { services: { web: lb('http://10.0.0.1', { passHostHeader: false }) } }), instance('b', { services: { web: lb('http://10.0.0.2', { passHostHeader: false }) } })],
    services: { web: { loadBalancer: { servers: [{ url: 'http://10.0.0.1' }, { url: 'http://10.0.0.2' }], passHostHeader: false } } },
    errors: [],
  },
  {
    name: 'other load balancer settings are a conflict: the service is left out',
    instances: [instance('a', { services: { web: lb('http://10.0.0.1', { passHostHeader: false }) } }), instance('b', { services: { web: lb('http://10.0.0.2') } })],
    services: {},
    errors: [/service "web" is defined differently by a, b/],
  },
  {
    name: 'routers defined alike are kept once, differently are left out',
    instances: [
      instance('a', { routers: { same: { rule: 'Host(`a`)', service: 'web' }, other: { rule: 'Host(`x`)', service: 'web' } }, services: { web: lb('http://10.0.0.1') } }),
      instance('b', { routers: { same: { rule: 'Host(`a`)', service: 'web' }, other: { rule: 'Host(`y`)', service: 'web' } }, services: { web: lb('http://10.0.0.2') } }),
    ],
    services: { web: { loadBalancer: { servers: [{ url: 'http://10.0.0.1' }, { url: 'http://10.0.0.2' }] } } },
    routers: { same: { rule: 'Host(`a`)', service: 'web' } },
    errors: [/router "other" is defined differently by a, b/],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { http, errors } = mergeInstanceConfigs(c.instances);
    t.same(http.services ?? {}, c.services);
    if (c.routers) t.same(http.routers, c.routers);
    t.equal(errors.length, c.errors.length);
    c.errors.forEach((re, i) => t.match(errors[i], re));
  });
}

t.test('the first instance\'s definition is not changed by the merge', async (t) => {
  const first = lb('http://10.0.0.1');
  mergeInstanceConfigs([instance('a', { services: { web: first } }), instance('b', { services: { web: lb('http://10.0.0.2') } })]);
  t.same(first, lb('http://10.0.0.1'));
});

t.test('2,000 instances of one service pool 2,000 servers', async (t) => {
  const instances = Array.from({ length: 2000 }, (_, i) => instance(`i${i}`, { services: { web: lb(`http://10.0.${i >> 8}.${i & 255}`) } }));
  const { http, errors } = mergeInstanceConfigs(instances);
  const servers = (http.services?.web as { loadBalancer: { servers: Array<{ url: string }> } }).loadBalancer.servers;
  t.equal(servers.length, 2000);
  t.equal(servers[1999]?.url, 'http://10.0.7.207');
  t.same(errors, []);
});
