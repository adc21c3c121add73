import t from 'tap';
import { DEFAULT_REQUEST_POLICY } from '../../../src/entrypoint/request-policy.js';
import { parseAddress, resolveStaticConfig } from '../../../src/config/static-defaults.js';
import type { StaticConfigInput } from '../../../src/config/static-schema.js';

const entryPointsOf = (input: StaticConfigInput) => Object.values(resolveStaticConfig(input).entryPoints).map((ep) => `${ep.name}${ep.address}${ep.implicit ? ' (implicit)' : ''}`);

const implicit: Array<[string, StaticConfigInput, string[]]> = [
  ['no entry point defined creates http on :80', {}, ['http:80 (implicit)']],
  ['a defined entry point suppresses the implicit http one', { entryPoints: { web: { address: ':8000' } } }, ['web:8000']],
  ['ping creates the internal entry point on :8080', { ping: {} }, ['http:80 (implicit)', 'switchyard:8080 (implicit)']],
  ['api.insecure creates the internal entry point', { entryPoints: { web: { address: ':80' } }, api: { insecure: true } }, ['web:80', 'switchyard:8080 (implicit)']],
  ['api without insecure does not create it', { entryPoints: { web: { address: ':80' } }, api: {} }, ['web:80']],
  ['metrics.prometheus creates the internal entry point', { entryPoints: { web: { address: ':80' } }, metrics: { prometheus: {} } }, ['web:80', 'switchyard:8080 (implicit)']],
  ['ping on another entry point does not create it', { entryPoints: { web: { address: ':80' } }, ping: { entryPoint: 'web' } }, ['web:80']],
  ['a user-defined switchyard entry point is kept', { entryPoints: { switchyard: { address: ':9000' } }, ping: {} }, ['switchyard:9000']],
];
for (const [name, input, expected] of implicit) {
  t.test(name, async (t) => {
    t.same(entryPointsOf(input), expected);
  });
}

t.test('entry point defaults follow Traefik, with durations in milliseconds', async (t) => {
  const { entryPoints } = resolveStaticConfig({ entryPoints: { web: { address: '127.0.0.1:8000', http: { redirections: { entryPoint: { to: 'websecure' } }, tls: {} } }, websecure: { address: ':443' } } });
  const web = entryPoints.web!;
  t.same({ host: web.host, port: web.port, protocol: web.protocol, asDefault: web.asDefault }, { host: '127.0.0.1', port: 8000, protocol: 'tcp', asDefault: false });
  t.same(web.transport, { lifeCycle: { requestAcceptGraceTimeout: 0, graceTimeOut: 10_000 }, respondingTimeouts: { readTimeout: 60_000, writeTimeout: 0, idleTimeout: 180_000, readHeaderTimeout: 60_000, bodyIdleTimeout: 60_000 }, keepAliveMaxRequests: 0, keepAliveMaxTime: 0 });
  t.same(web.http.redirections, { entryPoint: { to: 'websecure', scheme: 'https', permanent: true, priority: Number.MAX_SAFE_INTEGER - 1 } });
  t.same(web.http.tls, { options: undefined, certResolver: undefined, domains: [] });
  t.same(web.forwardedHeaders, { trustedIPs: [], insecure: false, connection: [] });
  t.same(entryPoints.websecure?.http, { middlewares: [], ...DEFAULT_REQUEST_POLICY });
});

t.test('configured durations are converted and the input is kept verbatim', async (t) => {
  const input: StaticConfigInput = { entryPoints: { web: { address: ':80', transport: { respondingTimeouts: { readTimeout: '1m30s', idleTimeout: 5 } } } } };
  const config = resolveStaticConfig(input);
  t.equal(config.entryPoints.web?.transport.respondingTimeouts.readTimeout, 90_000);
  t.equal(config.entryPoints.web?.transport.respondingTimeouts.idleTimeout, 5000);
  t.equal(config.input, input);
});

t.test('section defaults follow Traefik', async (t) => {
  const config = resolveStaticConfig({ ping: {}, api: {}, metrics: { prometheus: {} }, accessLog: {}, providers: { file: { directory: 'dyn' } }, log: { level: 'debug' } });
  t.same(config.ping, { entryPoint: 'switchyard', manualRouting: false, terminatingStatusCode: 503 });
  t.same(config.api, { insecure: false, dashboard: true, debug: false, basePath: '/' });
  t.same(config.metrics.prometheus, { buckets: [0.1, 0.3, 1.2, 5.0], addEntryPointsLabels: true, addRoutersLabels: false, addServicesLabels: true, entryPoint: 'switchyard', manualRouting: false });
  t.same(config.accessLog, { filePath: undefined, format: 'common', bufferingSize: 0, filters: { statusCodes: [], retryAttempts: false, minDuration: 0 }, fields: { defaultMode: 'keep', names: {}, headers: { defaultMode: 'drop', names: {} } } });
  t.same(config.providers, { providersThrottleDuration: 2000, file: { filename: undefined, directory: 'dyn', watch: true }, others: {} });
  t.same(config.log, { level: 'DEBUG', format: 'common', filePath: undefined, noColor: false });
  t.same(config.serversTransport, { insecureSkipVerify: false, rootCAs: [], maxIdleConnsPerHost: 200, forwardingTimeouts: { dialTimeout: 30_000, responseHeaderTimeout: 0, idleConnTimeout: 90_000 } });
  t.same(config.global, { checkNewVersion: true, sendAnonymousUsage: false });
  // Off unless asked for: a release costs serving throughput (docs/operations.md, Memory).
  t.same(config.memory, { releaseAfterReload: 0 });
  t.same(resolveStaticConfig({ memory: { releaseAfterReload: '5s' } }).memory, { releaseAfterReload: 5000 });
});

t.test('sections that are off stay absent', async (t) => {
  const config = resolveStaticConfig({});
  t.equal(config.ping, undefined);
  t.equal(config.api, undefined);
  t.equal(config.accessLog, undefined);
  t.equal(config.metrics.prometheus, undefined);
  t.equal(config.providers.file, undefined);
  t.equal(config.log.level, 'ERROR');
});

const defaults: Array<[string, StaticConfigInput, string[]]> = [
  ['every TCP entry point but switchyard is a default entry point', { entryPoints: { web: { address: ':80' }, dns: { address: ':53/udp' } }, ping: {} }, ['web']],
  ['asDefault entry points are the only default ones when any is marked', { entryPoints: { web: { address: ':80' }, websecure: { address: ':443', asDefault: true } } }, ['websecure']],
];
for (const [name, input, expected] of defaults) {
  t.test(name, async (t) => {
    t.same(resolveStaticConfig(input).defaultEntryPoints, expected);
  });
}

t.test('addresses split into host, port and protocol', async (t) => {
  t.same(parseAddress(':80'), { host: '', port: 80, protocol: 'tcp' });
  t.same(parseAddress('[::1]:443'), { host: '::1', port: 443, protocol: 'tcp' });
  t.same(parseAddress('0.0.0.0:53/udp'), { host: '0.0.0.0', port: 53, protocol: 'udp' });
});
