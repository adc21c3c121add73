import t from 'tap';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import { mergeProviderConfigs, mergeSnapshots, qualify } from '../../../src/provider/merge.js';

const qualifications: Array<[string, string, string, string]> = [
  ['a bare reference is qualified in the referrer provider', 'auth', 'file', 'auth@file'],
  ['a reference naming a provider is left alone', 'auth@kubernetescrd', 'file', 'auth@kubernetescrd'],
  ['an internal reference is left alone', 'api@internal', 'file', 'api@internal'],
];
for (const [name, ref, provider, expected] of qualifications) {
  t.test(name, async (t) => {
    t.equal(qualify(ref, provider), expected);
  });
}

const router = { rule: 'Host(`a.test`)', service: 'svc', middlewares: ['auth', 'strip@kubernetes'] };
const service = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }], serversTransport: 'tr' } };

t.test('every element name becomes name@provider and references stay as written', async (t) => {
  const merged = mergeSnapshots(
    new Map<string, DynamicConfig>([
      ['file', { http: { routers: { web: router }, services: { svc: service }, middlewares: { auth: { basicAuth: {} } }, serversTransports: { tr: {} } } }],
      ['kubernetes', { http: { routers: { web: router }, middlewares: { strip: { stripPrefix: { prefixes: ['/a'] } } } } }],
    ]),
  );
  t.same(Object.keys(merged.http!.routers!).sort(), ['web@file', 'web@kubernetes']);
  t.same(merged.http!.routers!['web@file'], router, 'references inside are unchanged');
  t.same(Object.keys(merged.http!.services!), ['svc@file']);
  t.same(Object.keys(merged.http!.middlewares!).sort(), ['auth@file', 'strip@kubernetes']);
  t.same(Object.keys(merged.http!.serversTransports!), ['tr@file']);
});

t.test('no providers merge into empty http sections', async (t) => {
  t.same(mergeSnapshots(new Map()), { http: { routers: {}, services: {}, middlewares: {}, serversTransports: {} } });
});

t.test('an empty snapshot contributes nothing (its routes are gone)', async (t) => {
  const merged = mergeSnapshots(new Map<string, DynamicConfig>([['file', {}], ['etcd', { http: { routers: { r: router } } }]]));
  t.same(Object.keys(merged.http!.routers!), ['r@etcd']);
});

t.test('a name containing @ is dropped with an error, so it cannot impersonate another provider', async (t) => {
  const { config, errors } = mergeProviderConfigs(new Map<string, DynamicConfig>([['etcd', { http: { routers: { 'web@file': router } } }]]));
  t.same(config.http!.routers, {});
  t.match(errors, [{ kind: 'router', name: 'web@file', message: /from provider "etcd": a name must not contain "@"/ }]);
});

t.test('tcp and udp elements are qualified too', async (t) => {
  const merged = mergeSnapshots(new Map<string, DynamicConfig>([['file', { tcp: { routers: { db: { rule: 'HostSNI(`*`)' } } }, udp: { services: { dns: {} } } }]]));
  t.same(merged.tcp, { routers: { 'db@file': { rule: 'HostSNI(`*`)' } } });
  t.same(merged.udp, { services: { 'dns@file': {} } });
});

interface TlsCase {
  name: string;
  providers: Array<[string, DynamicConfig['tls']]>;
  tls: DynamicConfig['tls'] | undefined;
  errors: RegExp[];
}
const tlsCases: TlsCase[] = [
  {
    name: 'TLS certificates are concatenated across providers',
    providers: [['file', { certificates: [{ certFile: 'a.crt', keyFile: 'a.key' }] }], ['redis', { certificates: [{ certFile: 'b.crt', keyFile: 'b.key' }] }]],
    tls: { certificates: [{ certFile: 'a.crt', keyFile: 'a.key' }, { certFile: 'b.crt', keyFile: 'b.key' }] },
    errors: [],
  },
  {
    name: 'TLS options are qualified except default, which is global',
    providers: [['file', { options: { default: { minVersion: 'VersionTLS13' }, modern: { minVersion: 'VersionTLS13' } } }]],
    tls: { options: { default: { minVersion: 'VersionTLS13' }, 'modern@file': { minVersion: 'VersionTLS13' } } },
    errors: [],
  },
  {
    name: 'a default TLS option defined by two providers is dropped with an error naming both',
    providers: [['file', { options: { default: { minVersion: 'VersionTLS13' } } }], ['kubernetescrd', { options: { default: { minVersion: 'VersionTLS12' }, other: {} } }]],
    tls: { options: { 'other@kubernetescrd': {} } },
    errors: [/TLS option "default" is defined by providers "file" and "kubernetescrd"; it is dropped/],
  },
  {
    name: 'a default TLS store defined by two providers is dropped with an error',
    providers: [['consul', { stores: { default: {} } }], ['file', { stores: { default: {} } }]],
    tls: undefined,
    errors: [/TLS store "default" is defined by providers "consul" and "file"/],
  },
  {
    name: 'a default TLS store from one provider is kept',
    providers: [['file', { stores: { default: { defaultCertificate: { certFile: 'c', keyFile: 'k' } } } }]],
    tls: { stores: { default: { defaultCertificate: { certFile: 'c', keyFile: 'k' } } } },
    errors: [],
  },
];
for (const c of tlsCases) {
  t.test(c.name, async (t) => {
    const { config, errors } = mergeProviderConfigs(new Map(c.providers.map(([name, tls]) => [name, { tls }])));
    t.same(config.tls, c.tls);
    t.equal(errors.length, c.errors.length);
    c.errors.forEach((pattern, i) => t.match(errors[i], { kind: 'tls', message: pattern }));
  });
}
