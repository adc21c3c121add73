import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { Duration } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { defineProvider } from '../../src/provider/definition.js';
import { compileConstraints } from '../../src/provider/labels/index.js';
import { KvTlsSchema, loadKvTls } from '../../src/provider/kv/static-options.js';
import { createRedisRegistry } from './redis-registry.js';

/** `providers.redisRegistry` in the static configuration (a Switchyard provider; Traefik has none). */
export const redisRegistryProviderSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1, description: 'host:port of the Redis server. Default ["127.0.0.1:6379"].' })),
    prefix: Type.Optional(Type.String({ minLength: 1, description: 'Key prefix instances register under. Default `switchyard:services`.' })),
    separator: Type.Optional(Type.Union([Type.Literal(':'), Type.Literal('/')], { description: 'Separator between prefix, service and instance id. Default `:`.' })),
    username: Type.Optional(Type.String({ description: 'ACL user name.' })),
    password: Type.Optional(Type.String({ description: 'Password.' })),
    db: Type.Optional(Type.Integer({ minimum: 0, description: 'Database number. Default 0.' })),
    tls: Type.Optional(KvTlsSchema),
    scanInterval: Type.Optional(Duration('Interval of the full scan run besides keyspace notifications. Default 10s.')),
    defaultRule: Type.Optional(Type.String({ minLength: 1, description: 'Rule template of a router made per service: .Name, .Labels (instance metadata), pipelines and functions as in docs/providers.md. Default: no router.' })),
    constraints: Type.Optional(Type.String({ minLength: 1, description: 'Tag expression an instance must match to be served: Tag(`x`), TagRegex(`re`), &&, ||, !, parentheses. Default: every instance.' })),
    entryPoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Entry points of those routers. Default: the default ones.' })),
  },
  { additionalProperties: false },
);

/** The redisRegistry provider: services from instances that register themselves under a prefix with a key TTL. */
export const redisRegistryProvider = defineProvider({
  type: 'redisRegistry',
  schema: redisRegistryProviderSchema,
  create(options, ctx) {
    let tls;
    let scanMs: number;
    try {
      tls = options.tls && loadKvTls(options.tls, ctx.baseDir, 'redisRegistry');
      scanMs = parseDuration(options.scanInterval ?? '10s');
      if (scanMs <= 0) throw new Error('providers.redisRegistry.scanInterval: must be more than 0');
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message.replace(/^invalid duration/, 'providers.redisRegistry.scanInterval: invalid duration'));
    }
    const separator = options.separator ?? ':';
    return createRedisRegistry({
      endpoint: options.endpoints?.[0] ?? '127.0.0.1:6379',
      prefix: (options.prefix ?? 'switchyard:services').replace(separator === ':' ? /:+$/ : /\/+$/, ''),
      separator,
      db: options.db ?? 0,
      scanMs,
      log: ctx.log,
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
      ...(tls && { tls }),
      ...(options.defaultRule !== undefined && { defaultRule: options.defaultRule }),
      ...(options.constraints !== undefined && { constraints: constraintsOf(options.constraints, 'redisRegistry') }),
      ...(options.entryPoints && { entryPoints: options.entryPoints }),
    });
  },
});

export { createRedisRegistry, type RedisRegistryOptions } from './redis-registry.js';

function constraintsOf(expression: string, provider: string) {
  try {
    return compileConstraints(expression);
  } catch (error) {
    throw syError('SY_ERR_STATIC_INVALID', `providers.${provider}.constraints: ${(error as Error).message}`);
  }
}
