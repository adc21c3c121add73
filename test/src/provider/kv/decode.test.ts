import t from 'tap';
import { builtinMiddlewares } from '../../../../src/builtins.js';
import { decodeKv } from '../../../../src/provider/kv/index.js';

const registry = builtinMiddlewares();

interface Case {
  name: string;
  keys: Record<string, string>;
  root?: string;
  expect: unknown;
  /** Substrings, one per expected error, in order. */
  errors?: string[];
}

const pairs = (keys: Record<string, string>) => Object.entries(keys).map(([key, value]) => ({ key, value }));

const cases: Case[] = [
  {
    name: 'a router with its rule, entry points, middlewares, service and priority decodes with list indexes in order',
    keys: {
      'traefik/http/routers/Web-App/rule': 'Host(`a.test`)',
      'traefik/http/routers/Web-App/entrypoints/1': 'websecure',
      'traefik/http/routers/Web-App/entrypoints/0': 'web',
      'traefik/http/routers/Web-App/middlewares/0': 'strip',
      'traefik/http/routers/Web-App/service': 'app',
      'traefik/http/routers/Web-App/priority': '42',
    },
    expect: { http: { routers: { 'Web-App': { rule: 'Host(`a.test`)', entryPoints: ['web', 'websecure'], middlewares: ['strip'], service: 'app', priority: 42 } } } },
  },
  {
    name: 'keys are case-insensitive and mapped onto the schema names',
    keys: {
      'traefik/HTTP/Services/app/LoadBalancer/Servers/0/URL': 'http://127.0.0.1:1',
      'traefik/http/services/app/loadbalancer/passhostheader': 'false',
      'traefik/http/services/app/loadBalancer/serversTransport': 'tr',
    },
    expect: { http: { services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }], passHostHeader: false, serversTransport: 'tr' } } } } },
  },
  {
    name: 'server weights become integers and preservePath a boolean',
    keys: {
      'traefik/http/services/s/loadbalancer/servers/0/url': 'http://10.0.0.1',
      'traefik/http/services/s/loadbalancer/servers/0/weight': '3',
      'traefik/http/services/s/loadbalancer/servers/1/url': 'http://10.0.0.2',
      'traefik/http/services/s/loadbalancer/servers/1/preservepath': 'TRUE',
    },
    expect: { http: { services: { s: { loadBalancer: { servers: [{ url: 'http://10.0.0.1', weight: 3 }, { url: 'http://10.0.0.2', preservePath: true }] } } } } },
  },
  {
    name: 'a router tls key set to true becomes an empty tls section',
    keys: { 'traefik/http/routers/r/rule': 'Host(`a.test`)', 'traefik/http/routers/r/service': 's', 'traefik/http/routers/r/tls': 'true' },
    expect: { http: { routers: { r: { rule: 'Host(`a.test`)', service: 's', tls: {} } } } },
  },
  {
    name: 'tls with a resolver, options and domains decodes next to a tls value',
    keys: {
      'traefik/http/routers/r/tls': 'true',
      'traefik/http/routers/r/tls/certresolver': 'le',
      'traefik/http/routers/r/tls/options': 'modern@file',
      'traefik/http/routers/r/tls/domains/0/main': 'a.test',
      'traefik/http/routers/r/tls/domains/0/sans/0': 'www.a.test',
      'traefik/http/routers/r/tls/domains/0/sans/1': 'api.a.test',
    },
    expect: { http: { routers: { r: { tls: { certResolver: 'le', options: 'modern@file', domains: [{ main: 'a.test', sans: ['www.a.test', 'api.a.test'] }] } } } } },
  },
  {
    name: 'health check durations, ports and header names keep their types and spelling',
    keys: {
      'traefik/http/services/s/loadbalancer/healthcheck/path': '/health',
      'traefik/http/services/s/loadbalancer/healthcheck/interval': '10s',
      'traefik/http/services/s/loadbalancer/healthcheck/timeout': '3',
      'traefik/http/services/s/loadbalancer/healthcheck/port': '8080',
      'traefik/http/services/s/loadbalancer/healthcheck/headers/X-Probe-Token': 'abc',
    },
    expect: { http: { services: { s: { loadBalancer: { healthCheck: { path: '/health', interval: '10s', timeout: 3, port: 8080, headers: { 'X-Probe-Token': 'abc' } } } } } } },
  },
  {
    name: 'sticky cookies decode their booleans, integers and literals',
    keys: {
      'traefik/http/services/s/loadbalancer/sticky/cookie/name': 'sid',
      'traefik/http/services/s/loadbalancer/sticky/cookie/secure': 'true',
      'traefik/http/services/s/loadbalancer/sticky/cookie/httponly': 'false',
      'traefik/http/services/s/loadbalancer/sticky/cookie/samesite': 'lax',
      'traefik/http/services/s/loadbalancer/sticky/cookie/maxage': '3600',
    },
    expect: { http: { services: { s: { loadBalancer: { sticky: { cookie: { name: 'sid', secure: true, httpOnly: false, sameSite: 'lax', maxAge: 3600 } } } } } } },
  },
  {
    name: 'weighted, mirroring and failover services decode their lists',
    keys: {
      'traefik/http/services/w/weighted/services/0/name': 'v1',
      'traefik/http/services/w/weighted/services/0/weight': '90',
      'traefik/http/services/w/weighted/services/1/name': 'v2',
      'traefik/http/services/w/weighted/services/1/weight': '10',
      'traefik/http/services/m/mirroring/service': 'main',
      'traefik/http/services/m/mirroring/mirrors/0/name': 'shadow',
      'traefik/http/services/m/mirroring/mirrors/0/percent': '5',
      'traefik/http/services/f/failover/service': 'main',
      'traefik/http/services/f/failover/fallback': 'backup',
    },
    expect: {
      http: {
        services: {
          w: { weighted: { services: [{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10 }] } },
          m: { mirroring: { service: 'main', mirrors: [{ name: 'shadow', percent: 5 }] } },
          f: { failover: { service: 'main', fallback: 'backup' } },
        },
      },
    },
  },
  {
    name: 'middleware options decode with the middleware type schema',
    keys: {
      'traefik/http/middlewares/strip/stripprefix/prefixes/0': '/api',
      'traefik/http/middlewares/strip/stripprefix/prefixes/1': '/v1',
      'traefik/http/middlewares/add/addPrefix/prefix': '/foo',
      'traefik/http/middlewares/limit/ratelimit/average': '100',
      'traefik/http/middlewares/limit/ratelimit/burst': '50',
      'traefik/http/middlewares/limit/ratelimit/period': '1m',
    },
    expect: {
      http: {
        middlewares: {
          strip: { stripPrefix: { prefixes: ['/api', '/v1'] } },
          add: { addPrefix: { prefix: '/foo' } },
          limit: { rateLimit: { average: 100, burst: 50, period: '1m' } },
        },
      },
    },
  },
  {
    name: 'a middleware switched on with true takes its defaults, and union options pick the type that fits',
    keys: {
      'traefik/http/middlewares/gz/compress': 'true',
      'traefik/http/middlewares/https/redirectscheme/scheme': 'https',
      'traefik/http/middlewares/https/redirectscheme/port': '443',
      'traefik/http/middlewares/https/redirectscheme/permanent': 'true',
      'traefik/http/middlewares/slow/timeout/request': '30',
    },
    expect: {
      http: {
        middlewares: {
          gz: { compress: {} },
          https: { redirectScheme: { scheme: 'https', port: 443, permanent: true } },
          slow: { timeout: { request: 30 } },
        },
      },
    },
  },
  {
    name: 'header maps keep the header names as written',
    keys: {
      'traefik/http/middlewares/h/headers/customrequestheaders/X-Script-Name': 'test',
      'traefik/http/middlewares/h/headers/customResponseHeaders/X-Custom-Response-Header': 'value',
      'traefik/http/middlewares/h/headers/accesscontrolallowmethods/0': 'GET',
      'traefik/http/middlewares/h/headers/accesscontrolallowmethods/1': 'OPTIONS',
      'traefik/http/middlewares/h/headers/accesscontrolmaxage': '100',
      'traefik/http/middlewares/h/headers/addvaryheader': 'true',
    },
    expect: {
      http: {
        middlewares: {
          h: {
            headers: {
              customRequestHeaders: { 'X-Script-Name': 'test' },
              customResponseHeaders: { 'X-Custom-Response-Header': 'value' },
              accessControlAllowMethods: ['GET', 'OPTIONS'],
              accessControlMaxAge: 100,
              addVaryHeader: true,
            },
          },
        },
      },
    },
  },
  {
    name: 'a list written as one comma-separated value is split',
    keys: { 'traefik/http/routers/r/entrypoints': 'web,websecure', 'traefik/http/middlewares/c/chain/middlewares': 'a, b' },
    expect: { http: { routers: { r: { entryPoints: ['web', 'websecure'] } }, middlewares: { c: { chain: { middlewares: ['a', 'b'] } } } } },
  },
  {
    name: 'servers transports decode their durations, lists and booleans',
    keys: {
      'traefik/http/serverstransports/tr/servername': 'backend.internal',
      'traefik/http/serverstransports/tr/insecureskipverify': 'true',
      'traefik/http/serverstransports/tr/rootcas/0': '/certs/ca.pem',
      'traefik/http/serverstransports/tr/maxidleconnsperhost': '7',
      'traefik/http/serverstransports/tr/forwardingtimeouts/dialtimeout': '1s',
      'traefik/http/serverstransports/tr/certificates/0/certfile': '/c.pem',
      'traefik/http/serverstransports/tr/certificates/0/keyfile': '/k.pem',
    },
    expect: {
      http: {
        serversTransports: {
          tr: {
            serverName: 'backend.internal',
            insecureSkipVerify: true,
            rootCAs: ['/certs/ca.pem'],
            maxIdleConnsPerHost: 7,
            forwardingTimeouts: { dialTimeout: '1s' },
            certificates: [{ certFile: '/c.pem', keyFile: '/k.pem' }],
          },
        },
      },
    },
  },
  {
    name: 'tls options, stores and certificates decode as in the documented layout',
    keys: {
      'traefik/tls/options/Options0/minVersion': 'VersionTLS12',
      'traefik/tls/options/Options0/cipherSuites/0': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'traefik/tls/options/Options0/alpnProtocols/0': 'h2',
      'traefik/tls/options/Options0/clientAuth/caFiles/0': '/ca.pem',
      'traefik/tls/options/Options0/clientAuth/clientAuthType': 'RequireAndVerifyClientCert',
      'traefik/tls/options/Options0/sniStrict': 'true',
      'traefik/tls/stores/default/defaultGeneratedCert/resolver': 'le',
      'traefik/tls/stores/default/defaultGeneratedCert/domain/main': 'a.test',
      'traefik/tls/stores/default/defaultGeneratedCert/domain/sans/0': 'b.test',
      'traefik/tls/certificates/0/certFile': '/a.crt',
      'traefik/tls/certificates/0/keyFile': '/a.key',
      'traefik/tls/certificates/0/stores/0': 'default',
    },
    expect: {
      tls: {
        options: {
          Options0: {
            minVersion: 'VersionTLS12',
            cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
            alpnProtocols: ['h2'],
            clientAuth: { caFiles: ['/ca.pem'], clientAuthType: 'RequireAndVerifyClientCert' },
            sniStrict: true,
          },
        },
        stores: { default: { defaultGeneratedCert: { resolver: 'le', domain: { main: 'a.test', sans: ['b.test'] } } } },
        certificates: [{ certFile: '/a.crt', keyFile: '/a.key', stores: ['default'] }],
      },
    },
  },
  {
    name: 'an unknown option is reported by key and the element still decodes from its other keys',
    keys: { 'traefik/http/routers/r/rule': 'Path(`/`)', 'traefik/http/routers/r/servce': 'x', 'traefik/http/routers/r/service': 's' },
    expect: { http: { routers: { r: { rule: 'Path(`/`)', service: 's' } } } },
    errors: ['key "traefik/http/routers/r/servce": unknown option "servce"'],
  },
  {
    name: 'an unknown middleware type is reported and kept for validation to disable the middleware',
    keys: { 'traefik/http/middlewares/m/nosuchthing/x': '1' },
    expect: { http: { middlewares: { m: { nosuchthing: { x: '1' } } } } },
    errors: ['unknown middleware type "nosuchthing"'],
  },
  {
    name: 'a value that does not coerce stays a string so validation names it',
    keys: { 'traefik/http/routers/r/priority': 'high' },
    expect: { http: { routers: { r: { priority: 'high' } } } },
  },
  {
    name: 'a non-numeric list index and an unknown section are reported',
    keys: { 'traefik/http/routers/r/entrypoints/first': 'web', 'traefik/http/gateways/g': 'x', 'traefik/grpc/x': 'y' },
    expect: { http: { routers: { r: { entryPoints: [] } } } },
    errors: ['"first" is not a list index', 'unknown section "grpc"', 'unknown section "gateways"'],
  },
  {
    name: 'a custom root key is honoured and keys outside it are reported',
    root: '/edge/prod/',
    keys: { 'edge/prod/http/routers/r/service': 's', '/edge/prod/http/routers/r/rule': 'Path(`/`)', 'edge/other/http/routers/x/rule': 'y' },
    expect: { http: { routers: { r: { service: 's', rule: 'Path(`/`)' } } } },
    errors: ['outside the root key "edge/prod"'],
  },
  {
    name: 'an empty or missing root decodes to an empty configuration',
    keys: { traefik: '', 'traefik/': '' },
    expect: {},
  },
  {
    name: 'two spellings of the same key merge into one option',
    keys: { 'traefik/http/services/s/loadbalancer/servers/0/url': 'http://a', 'traefik/http/services/s/loadBalancer/servers/1/url': 'http://b' },
    expect: { http: { services: { s: { loadBalancer: { servers: [{ url: 'http://a' }, { url: 'http://b' }] } } } } },
  },
  {
    name: 'a scalar with keys below it reports those keys',
    keys: { 'traefik/http/routers/r/rule': 'Path(`/`)', 'traefik/http/routers/r/rule/extra': 'x' },
    expect: { http: { routers: { r: { rule: 'Path(`/`)' } } } },
    errors: ['takes a single value'],
  },
  {
    name: 'tcp and udp keys are kept loosely',
    keys: { 'traefik/tcp/routers/t/rule': 'HostSNI(`*`)', 'traefik/tcp/routers/t/entrypoints/0': 'db', 'traefik/udp/services/u/loadBalancer/servers/0/address': '1.2.3.4:53' },
    expect: { tcp: { routers: { t: { rule: 'HostSNI(`*`)', entrypoints: ['db'] } } }, udp: { services: { u: { loadBalancer: { servers: [{ address: '1.2.3.4:53' }] } } } } },
  },
  {
    name: 'the documented etcd example of a router, service and middleware decodes whole',
    keys: {
      'traefik/http/routers/myrouter/rule': 'Host(`example.com`)',
      'traefik/http/routers/myrouter/entrypoints/0': 'web',
      'traefik/http/routers/myrouter/middlewares/0': 'auth',
      'traefik/http/routers/myrouter/service': 'myservice',
      'traefik/http/services/myservice/loadbalancer/servers/0/url': 'http://10.0.0.1:80',
      'traefik/http/middlewares/auth/basicauth/users/0': 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/',
      'traefik/http/middlewares/auth/basicauth/removeheader': 'true',
    },
    expect: {
      http: {
        routers: { myrouter: { rule: 'Host(`example.com`)', entryPoints: ['web'], middlewares: ['auth'], service: 'myservice' } },
        services: { myservice: { loadBalancer: { servers: [{ url: 'http://10.0.0.1:80' }] } } },
        middlewares: { auth: { basicAuth: { users: ['test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'], removeHeader: true } } },
      },
    },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { config, errors } = decodeKv(pairs(c.keys), c.root ?? 'traefik', registry);
    t.same(config, c.expect);
    t.equal(errors.length, c.errors?.length ?? 0, `errors: ${JSON.stringify(errors)}`);
    for (const expected of c.errors ?? []) t.ok(errors.some((e) => e.includes(expected)), `an error contains ${expected}`);
  });
}

t.test('without a middleware registry, middleware options decode loosely', async (t) => {
  const { config, errors } = decodeKv(pairs({ 'traefik/http/middlewares/s/stripPrefix/prefixes/0': '/a' }), 'traefik');
  t.same(config, { http: { middlewares: { s: { stripPrefix: { prefixes: ['/a'] } } } } });
  t.same(errors, []);
});

t.test('a decoded configuration passes dynamic validation', async (t) => {
  const { validateDynamic } = await import('../../../../src/config/validate-dynamic.js');
  const { config } = decodeKv(pairs(cases.at(-1)!.keys), 'traefik', registry);
  const result = validateDynamic(config, { provider: 'etcd', origin: 'etcd' }, registry);
  t.same(result.errors, []);
});
