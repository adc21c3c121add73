import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { Duration } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { defineProvider } from '../../src/provider/definition.js';
import { compileConstraints, type TagPredicate } from '../../src/provider/labels/index.js';
import { consulBase } from '../../src/provider/remote/consul-client.js';
import { ClientTlsSchema, createProviderAgent } from '../../src/provider/remote/tls-agent.js';
import { createCatalogProvider } from './catalog-provider.js';

/** `providers.consulCatalog` in the static configuration (Traefik's keys). */
export const consulCatalogProviderSchema = Type.Object(
  {
    endpoint: Type.Optional(
      Type.Object(
        {
          address: Type.Optional(Type.String({ minLength: 1, description: 'Consul agent `host:port` (or a URL). Default 127.0.0.1:8500.' })),
          scheme: Type.Optional(Type.String({ description: 'http or https. Default http (https when tls is set).' })),
          datacenter: Type.Optional(Type.String({ description: 'Datacenter to read. Default: the agent\'s.' })),
          token: Type.Optional(Type.String({ description: 'ACL token, sent as X-Consul-Token.' })),
          endpointWaitTime: Type.Optional(Duration('Longest wait of one blocking query. Default 5m (Consul\'s default).')),
          httpAuth: Type.Optional(Type.Object({ username: Type.Optional(Type.String()), password: Type.Optional(Type.String()) }, { additionalProperties: false })),
          tls: Type.Optional(ClientTlsSchema),
        },
        { additionalProperties: false },
      ),
    ),
    prefix: Type.Optional(Type.String({ minLength: 1, description: 'Tag prefix. Default traefik.' })),
    refreshInterval: Type.Optional(Duration('Time between full reads when watch is off. Default 15s.')),
    watch: Type.Optional(Type.Boolean({ description: 'Use blocking queries instead of polling. Default false.' })),
    exposedByDefault: Type.Optional(Type.Boolean({ description: 'Expose services without `<prefix>.enable=true`. Default true.' })),
    defaultRule: Type.Optional(Type.String({ description: 'Rule template of the automatic router: .Name, .Labels (from key=value tags), pipelines and functions as in docs/providers.md. Default Host(`{{ normalize .Name }}`).' })),
    constraints: Type.Optional(Type.String({ description: 'Tag expression an instance must match: Tag(`x`), TagRegex(`re`), &&, ||, !, parentheses.' })),
    strictChecks: Type.Optional(Type.Array(Type.String(), { description: 'Check statuses that still take traffic. Default [passing, warning].' })),
    requireConsistent: Type.Optional(Type.Boolean({ description: 'Consistent reads. Default false.' })),
    stale: Type.Optional(Type.Boolean({ description: 'Stale reads from any server. Default false.' })),
    cache: Type.Optional(Type.Boolean({ description: 'Accepted; agent caching is not used.' })),
    connectAware: Type.Optional(Type.Boolean({ description: 'Accepted; Consul Connect is not implemented (a warning is logged).' })),
    connectByDefault: Type.Optional(Type.Boolean({ description: 'Accepted; Consul Connect is not implemented.' })),
    serviceName: Type.Optional(Type.String({ description: 'Accepted; used by Consul Connect only.' })),
    namespaces: Type.Optional(Type.Array(Type.String(), { maxItems: 1, description: 'Enterprise namespace to read (one per provider).' })),
  },
  { additionalProperties: false },
);

const invalid = (message: string) => syError('SY_ERR_STATIC_INVALID', `providers.consulCatalog.${message}`);

/** The consulCatalog provider: services and their healthy instances from Consul, configured by tags. */
export const consulCatalogProvider = defineProvider({
  type: 'consulCatalog',
  schema: consulCatalogProviderSchema,
  create(options, ctx) {
    const endpoint = options.endpoint ?? {};
    const duration = (value: string | number | undefined, fallback: number, key: string) => {
      try {
        const ms = value === undefined ? fallback : parseDuration(value);
        return ms > 0 ? ms : fallback;
      } catch (error) {
        throw invalid(`${key}: ${(error as Error).message}`);
      }
    };
    let constraints: TagPredicate | undefined;
    try {
      constraints = options.constraints ? compileConstraints(options.constraints) : undefined;
    } catch (error) {
      throw invalid(`constraints: ${(error as Error).message}`);
    }
    const statuses = ['passing', 'warning', 'critical', 'maintenance'];
    const unknownStatus = (options.strictChecks ?? []).find((status) => !statuses.includes(status));
    if (unknownStatus !== undefined) throw invalid(`strictChecks: unknown status "${unknownStatus}" (use ${statuses.join(', ')})`);
    let agent;
    try {
      agent = createProviderAgent(endpoint.tls, 'providers.consulCatalog.endpoint', ctx.baseDir);
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    if (options.connectAware) ctx.log.warn('providers.consulCatalog.connectAware: Consul Connect is not implemented; services are reached directly');
    const auth = endpoint.httpAuth;
    return createCatalogProvider({
      target: {
        base: consulBase(endpoint.address ?? '127.0.0.1:8500', endpoint.scheme ?? (endpoint.tls ? 'https' : 'http')),
        ...(endpoint.token ? { token: endpoint.token } : {}),
        ...(endpoint.datacenter ? { datacenter: endpoint.datacenter } : {}),
        ...(options.namespaces?.[0] ? { namespace: options.namespaces[0] } : {}),
        ...(auth?.username ? { basicAuth: `${auth.username}:${auth.password ?? ''}` } : {}),
        agent,
      },
      watch: options.watch ?? false,
      refreshIntervalMs: duration(options.refreshInterval, 15_000, 'refreshInterval'),
      waitMs: duration(endpoint.endpointWaitTime, 300_000, 'endpoint.endpointWaitTime'),
      ...(options.requireConsistent ? { consistency: 'consistent' as const } : options.stale ? { consistency: 'stale' as const } : {}),
      prefix: options.prefix ?? 'traefik',
      exposedByDefault: options.exposedByDefault ?? true,
      defaultRule: options.defaultRule ?? 'Host(`{{ normalize .Name }}`)',
      ...(constraints ? { constraints } : {}),
      strictChecks: options.strictChecks ?? ['passing', 'warning'],
      ...(ctx.middlewares ? { middlewares: ctx.middlewares } : {}),
      log: ctx.log,
    });
  },
});

export { createCatalogProvider, type CatalogProviderOptions } from './catalog-provider.js';
