import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { defineProvider } from '../../src/provider/definition.js';
import { compileConstraints } from '../../src/provider/labels/index.js';
import { KvTlsSchema, loadKvTls } from '../../src/provider/kv/static-options.js';
import { createEtcdRegistry } from './etcd-registry.js';

/** `providers.etcdRegistry` in the static configuration (a Switchyard provider; Traefik has none). */
export const etcdRegistryProviderSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'etcd members as host:port (or http(s)://host:port). Default ["127.0.0.1:2379"].' })),
    prefix: Type.Optional(Type.String({ minLength: 1, description: 'Key prefix instances register under (`<prefix>/<service>/<instance-id>`). Default `switchyard/services`.' })),
    username: Type.Optional(Type.String({ description: 'User name when etcd authentication is on.' })),
    password: Type.Optional(Type.String({ description: 'Password of that user.' })),
    tls: Type.Optional(KvTlsSchema),
    defaultRule: Type.Optional(Type.String({ minLength: 1, description: 'Rule template of a router made per service: .Name, .Labels (instance metadata), pipelines and functions as in docs/providers.md. Default: no router.' })),
    constraints: Type.Optional(Type.String({ minLength: 1, description: 'Tag expression an instance must match to be served: Tag(`x`), TagRegex(`re`), &&, ||, !, parentheses. Default: every instance.' })),
    entryPoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Entry points of those routers. Default: the default ones.' })),
  },
  { additionalProperties: false },
);

/** The etcdRegistry provider: services from instances that register themselves under a prefix with an etcd lease. */
export const etcdRegistryProvider = defineProvider({
  type: 'etcdRegistry',
  schema: etcdRegistryProviderSchema,
  create(options, ctx) {
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw syError('SY_ERR_STATIC_INVALID', 'providers.etcdRegistry: set both "username" and "password", or neither');
    }
    let tls;
    try {
      tls = options.tls && loadKvTls(options.tls, ctx.baseDir, 'etcdRegistry');
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    return createEtcdRegistry({
      endpoints: options.endpoints ?? ['127.0.0.1:2379'],
      prefix: (options.prefix ?? 'switchyard/services').replace(/\/+$/, ''),
      ...(options.username !== undefined && { auth: { username: options.username, password: options.password! } }),
      ...(tls && { tls }),
      ...(options.defaultRule !== undefined && { defaultRule: options.defaultRule }),
      ...(options.constraints !== undefined && { constraints: constraintsOf(options.constraints, 'etcdRegistry') }),
      ...(options.entryPoints && { entryPoints: options.entryPoints }),
      log: ctx.log,
    });
  },
});

export { createEtcdRegistry, type EtcdRegistryOptions } from './etcd-registry.js';

function constraintsOf(expression: string, provider: string) {
  try {
    return compileConstraints(expression);
  } catch (error) {
    throw syError('SY_ERR_STATIC_INVALID', `providers.${provider}.constraints: ${(error as Error).message}`);
  }
}
