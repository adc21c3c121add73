import t from 'tap';
import { ruleHosts, wantedDomains } from '../../../src/acme/domains.js';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import type { EntryPointConfig } from '../../../src/config/static-types.js';

t.test('Host names of a rule are collected lower-cased; negated and regexp hosts are not', async (t) => {
  const table: Array<[string, string[]]> = [
    ['Host(`A.example.com`)', ['a.example.com']],
    ['Host(`a.test`) || (Host(`b.test`) && PathPrefix(`/x`))', ['a.test', 'b.test']],
    ['Host(`a.test`, `c.test`)', ['a.test', 'c.test']],
    ['!Host(`no.test`) && Host(`yes.test`)', ['yes.test']],
    ['HostRegexp(`.+`)', []],
    ['PathPrefix(`/`)', []],
    ['Host(`broken', []],
  ];
  for (const [rule, hosts] of table) t.same(ruleHosts(rule), hosts, rule);
});

const router = (rule: string, tls?: object, entryPoints?: string[]) => ({ rule, service: 's', ...(tls && { tls }), ...(entryPoints && { entryPoints }) });

t.test('routers naming a resolver want one certificate per host, or their tls.domains', async (t) => {
  const config = {
    http: {
      routers: {
        hosts: router('Host(`a.test`) || Host(`B.test`)', { certResolver: 'le' }),
        domains: router('Host(`ignored.test`)', { certResolver: 'le', domains: [{ main: 'Main.test', sans: ['alt.test', 'main.test'] }] }),
        duplicate: router('Host(`a.test`)', { certResolver: 'le' }),
        other: router('Host(`o.test`)', { certResolver: 'other' }),
        noResolver: router('Host(`n.test`)', {}),
        plain: router('Host(`p.test`)'),
      },
    },
  } as unknown as DynamicConfig;
  const wanted = wantedDomains(config);
  t.same(wanted.get('le'), [
    { main: 'a.test', sans: [] },
    { main: 'b.test', sans: [] },
    { main: 'main.test', sans: ['alt.test'] },
  ]);
  t.same(wanted.get('other'), [{ main: 'o.test', sans: [] }]);
  t.equal(wanted.size, 2);
});

t.test('an entry point\'s http.tls resolver applies to routers on it', async (t) => {
  const ep = { http: { middlewares: [], tls: { certResolver: 'le', domains: [] } } } as unknown as EntryPointConfig;
  const config = { http: { routers: { r: router('Host(`ep.test`)', undefined, ['websecure']) } } } as unknown as DynamicConfig;
  t.same(wantedDomains(config, { websecure: ep }, ['websecure']).get('le'), [{ main: 'ep.test', sans: [] }]);
});
