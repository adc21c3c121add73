import t from 'tap';
import { Type } from '@sinclair/typebox';
import { validateDynamic, type ElementError } from '../../../src/config/validate-dynamic.js';
import { Duration, Strict } from '../../../src/config/types.js';
import { defineMiddleware } from '../../../src/middleware/definition.js';
import { MiddlewareRegistry } from '../../../src/middleware/registry.js';

const registry = new MiddlewareRegistry();
registry.register(defineMiddleware({ type: 'stripPrefix', schema: Strict({ prefixes: Type.Array(Type.String(), { minItems: 1 }) }), create: (_config, next) => next }));
registry.register(defineMiddleware({ type: 'rateLimit', schema: Strict({ average: Type.Integer({ minimum: 0 }), period: Type.Optional(Duration()) }), create: (_config, next) => next }));
registry.register(defineMiddleware({ type: 'compress', schema: Strict({ minResponseBodyBytes: Type.Optional(Type.Integer()) }), create: (_config, next) => next }));

registry.register(defineMiddleware({ type: 'broken', schema: Type.String({ format: 'no-such-format' }), create: (_config, next) => next }));

const source = { provider: 'file', origin: 'dyn/routes.yaml' };
const router = { rule: 'Host(`a.test`)', service: 'app' };
const service = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:8080' }] } };
const http = (section: string, name: string, value: unknown) => ({ http: { [section]: { [name]: value } } });

const invalid: Array<[string, unknown, string[]]> = [
  ['an unknown top-level key is a config error', { htp: {} }, ['config (dyn/routes.yaml): htp is not allowed (unknown key), did you mean http?']],
  ['an unknown key under http is a config error', { http: { router: {} } }, ['config (dyn/routes.yaml): http.router is not allowed (unknown key), did you mean routers?']],
  ['a section that is not a mapping is a config error', { http: { routers: [] } }, ['config (dyn/routes.yaml): http.routers must be object']],
  ['a snapshot that is not a mapping is a config error', 'routers', ['config (dyn/routes.yaml): must be object']],
  ['a router without rule names the missing key', http('routers', 'web', { service: 'app' }), ['router "web@file" (dyn/routes.yaml): rule is required']],
  ['a router with an unknown key suggests the known one', http('routers', 'web', { ...router, middleware: ['a'] }), ['router "web@file" (dyn/routes.yaml): middleware is not allowed (unknown key), did you mean middlewares?']],
  ['an unknown key inside router tls is reported with its path', http('routers', 'web', { ...router, tls: { certresolver: 'le' } }), ['router "web@file" (dyn/routes.yaml): tls.certresolver is not allowed (unknown key), did you mean certResolver?']],
  ['a router with a wrong type names the key', http('routers', 'web', { ...router, priority: 'high' }), ['router "web@file" (dyn/routes.yaml): priority must be integer']],
  ['a router priority in the internal range is rejected', http('routers', 'web', { ...router, priority: Number.MAX_SAFE_INTEGER }), [`router "web@file" (dyn/routes.yaml): priority must be at most ${Number.MAX_SAFE_INTEGER - 1000} (higher ones are reserved for internal routers)`]],
  ['a router that is not a mapping is rejected', http('routers', 'web', null), ['router "web@file" (dyn/routes.yaml): must be object']],
  ['a name with @ is rejected', http('routers', 'web@other', router), ['router "web@other@file" (dyn/routes.yaml): name must not contain "@" (the provider qualifies names itself; use @ only in references)']],
  ['a service with two kinds is rejected', http('services', 'app', { ...service, weighted: { services: [{ name: 'x' }] } }), ['service "app@file" (dyn/routes.yaml): must define exactly one of loadBalancer, weighted, mirroring, failover, highestRandomWeight (found loadBalancer and weighted)']],
  ['a service with no kind is rejected', http('services', 'app', { middlewares: ['a'] }), ['service "app@file" (dyn/routes.yaml): must define exactly one of loadBalancer, weighted, mirroring, failover, highestRandomWeight']],
  ['an empty service is rejected', http('services', 'app', {}), ['service "app@file" (dyn/routes.yaml): must NOT have fewer than 1 properties', 'service "app@file" (dyn/routes.yaml): must define exactly one of loadBalancer, weighted, mirroring, failover, highestRandomWeight']],
  ['an empty weighted list is rejected', http('services', 'app', { weighted: { services: [] } }), ['service "app@file" (dyn/routes.yaml): weighted.services must NOT have fewer than 1 items']],
  ['a server url without scheme is rejected', http('services', 'app', { loadBalancer: { servers: [{ url: '127.0.0.1:8080' }] } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.servers[0].url must be an absolute http, https or h2c URL (got "127.0.0.1:8080")']],
  ['a server url with another scheme is rejected', http('services', 'app', { loadBalancer: { servers: [{ url: 'http://a' }, { url: 'ftp://b' }] } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.servers[1].url must be an absolute http, https or h2c URL (got "ftp://b")']],
  ['a server without url is rejected', http('services', 'app', { loadBalancer: { servers: [{ weight: 1 }] } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.servers[0].url is required']],
  ['an unknown key in a load balancer is rejected', http('services', 'app', { loadBalancer: { server: [] } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.server is not allowed (unknown key), did you mean servers?']],
  ['a bad health-check duration is rejected', http('services', 'app', { loadBalancer: { servers: [], healthCheck: { interval: 'often' } } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.healthCheck.interval must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['a bad sameSite value lists the allowed ones', http('services', 'app', { loadBalancer: { sticky: { cookie: { sameSite: 'loose' } } } }), ['service "app@file" (dyn/routes.yaml): loadBalancer.sticky.cookie.sameSite must be one of "none", "lax", "strict", ""']],
  ['a failover without fallback is rejected', http('services', 'app', { failover: { service: 'a' } }), ['service "app@file" (dyn/routes.yaml): failover.fallback is required']],
  ['an unknown middleware type suggests a registered one', http('middlewares', 'strip', { stripprefix: { prefixes: ['/a'] } }), ['middleware "strip@file" (dyn/routes.yaml): stripprefix is not a known middleware type, did you mean stripPrefix?']],
  ['an unknown middleware type far from every registered one has no suggestion', http('middlewares', 'x', { teleport: {} }), ['middleware "x@file" (dyn/routes.yaml): teleport is not a known middleware type']],
  ['a middleware with two types is rejected', http('middlewares', 'x', { stripPrefix: { prefixes: ['/a'] }, compress: {} }), ['middleware "x@file" (dyn/routes.yaml): must name exactly one middleware type (found stripPrefix, compress)']],
  ['a middleware with no type is rejected', http('middlewares', 'x', {}), ['middleware "x@file" (dyn/routes.yaml): must name a middleware type (e.g. stripPrefix)']],
  ['a middleware that is not a mapping is rejected', http('middlewares', 'x', 'stripPrefix'), ['middleware "x@file" (dyn/routes.yaml): must be object']],
  ['a middleware failing its type schema names the type in the path', http('middlewares', 'api-strip', { stripPrefix: { prefixes: [] } }), ['middleware "api-strip@file" (dyn/routes.yaml): stripPrefix.prefixes must NOT have fewer than 1 items']],
  ['a middleware with an unknown option suggests the known one', http('middlewares', 'rl', { rateLimit: { average: 1, avrage: 2 } }), ['middleware "rl@file" (dyn/routes.yaml): rateLimit.avrage is not allowed (unknown key), did you mean average?']],
  ['a middleware with a bad duration option is rejected', http('middlewares', 'rl', { rateLimit: { average: 1, period: '1x' } }), ['middleware "rl@file" (dyn/routes.yaml): rateLimit.period must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['a middleware with a missing option is rejected', http('middlewares', 'rl', { rateLimit: {} }), ['middleware "rl@file" (dyn/routes.yaml): rateLimit.average is required']],
  ['a middleware whose definition schema does not compile is rejected, not thrown', http('middlewares', 'b', { broken: 'x' }), ['middleware "b@file" (dyn/routes.yaml): broken cannot be checked: its schema does not compile (unknown format "no-such-format" ignored in schema at path "#")']],
  ['a servers transport with a wrong type is rejected', http('serversTransports', 'tr', { insecureSkipVerify: 'yes' }), ['serversTransport "tr@file" (dyn/routes.yaml): insecureSkipVerify must be boolean']],
  ['a servers transport with a bad timeout is rejected', http('serversTransports', 'tr', { forwardingTimeouts: { dialTimeout: 'x' } }), ['serversTransport "tr@file" (dyn/routes.yaml): forwardingTimeouts.dialTimeout must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['a TLS certificate without key file is rejected', { tls: { certificates: [{ certFile: 'a.pem' }] } }, ['tls (dyn/routes.yaml): certificates[0].keyFile is required']],
  ['TLS options that are not a mapping are rejected', { tls: { options: { modern: 'yes' } } }, ['tls "modern@file" (dyn/routes.yaml): options.modern must be object']],
  ['an unknown TLS key is rejected', { tls: { certificate: [] } }, ['tls (dyn/routes.yaml): certificate is not allowed (unknown key), did you mean certificates?']],
  ['a tls section that is not a mapping is a config error', { tls: 'on' }, ['config (dyn/routes.yaml): tls must be object']],
];
for (const [name, input, expected] of invalid) {
  t.test(name, async (t) => {
    const { errors } = validateDynamic(input, source, registry);
    t.same(errors.map((e) => e.message), expected);
  });
}

t.test('an invalid element is left out, reported with its raw value, and the rest is kept', async (t) => {
  const bad = { service: 'app' };
  const { config, errors } = validateDynamic({ http: { routers: { good: router, bad }, services: { app: service } } }, source, registry);
  t.same(Object.keys(config.http?.routers ?? {}), ['good']);
  t.equal(config.http?.routers?.good, router);
  t.equal(config.http?.services?.app, service);
  t.same(errors, [{ kind: 'router', name: 'bad@file', raw: bad, message: 'router "bad@file" (dyn/routes.yaml): rule is required' }] satisfies ElementError[]);
});

t.test('every valid element kind is kept unchanged', async (t) => {
  const input = {
    http: {
      routers: { web: { ...router, middlewares: ['strip'], tls: { certResolver: 'le' } } },
      services: { app: service, split: { weighted: { services: [{ name: 'app', weight: 1 }] } }, copy: { mirroring: { service: 'app', mirrors: [{ name: 'app', percent: 10 }] } }, safe: { failover: { service: 'app', fallback: 'split' } }, h2: { loadBalancer: { servers: [{ url: 'h2c://127.0.0.1:9000' }] } } },
      middlewares: { strip: { stripPrefix: { prefixes: ['/api'] } } },
      serversTransports: { tr: { insecureSkipVerify: true, forwardingTimeouts: { dialTimeout: '5s' } } },
    },
    tcp: { routers: {} },
    tls: { certificates: [{ certFile: 'a.pem', keyFile: 'a.key' }], options: { default: { minVersion: 'VersionTLS12' } } },
  };
  const { config, errors } = validateDynamic(input, source, registry);
  t.same(errors, []);
  t.same(config, input);
});

t.test('a middleware written without options gets empty options', async (t) => {
  const { config, errors } = validateDynamic({ http: { middlewares: { gzip: { compress: null } } } }, source, registry);
  t.same(errors, []);
  t.same(config.http?.middlewares?.gzip, { compress: {} });
});

t.test('an empty snapshot is valid and empty', async (t) => {
  t.same(validateDynamic(undefined, source, registry), { config: {}, errors: [] });
  t.same(validateDynamic(null, source, registry), { config: {}, errors: [] });
});

t.test('without an origin the message has no parentheses', async (t) => {
  const { errors } = validateDynamic(http('routers', 'web', {}), { provider: 'etcd' }, registry);
  t.equal(errors[0]?.message, 'router "web@etcd": rule is required');
});

t.test('an origin function names the file of each element', async (t) => {
  const origin = (kind: string, name?: string) => `${kind}-${name}.yaml`;
  const { errors } = validateDynamic(http('services', 'app', {}), { provider: 'file', origin }, registry);
  t.match(errors[0]?.message, /^service "app@file" \(service-app\.yaml\): /);
});

t.test('a __proto__ element name stays a plain key', async (t) => {
  const input = JSON.parse('{"http":{"routers":{"__proto__":{"rule":"Path(`/`)","service":"app"}}}}') as unknown;
  const { config } = validateDynamic(input, source, registry);
  t.ok(Object.hasOwn(config.http!.routers!, '__proto__'));
});
