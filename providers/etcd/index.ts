import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { defineProvider } from '../../src/provider/definition.js';
import { KvTlsSchema, loadKvTls } from '../../src/provider/kv/static-options.js';
import { createEtcdProvider } from './etcd-provider.js';

/** `providers.etcd` in the static configuration (Traefik's keys). */
export const etcdProviderSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'etcd members as host:port (or http(s)://host:port). Default ["127.0.0.1:2379"].' })),
    rootKey: Type.Optional(Type.String({ minLength: 1, description: 'Key prefix holding the configuration. Default `traefik`.' })),
    username: Type.Optional(Type.String({ description: 'User name when etcd authentication is on. Default none.' })),
    password: Type.Optional(Type.String({ description: 'Password of that user. Default none.' })),
    tls: Type.Optional(KvTlsSchema),
  },
  { additionalProperties: false },
);

/** The etcd provider: Traefik's KV layout under `rootKey`, read whole and watched with revisions. */
export const etcdProvider = defineProvider({
  type: 'etcd',
  schema: etcdProviderSchema,
  create(options, ctx) {
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw syError('SY_ERR_STATIC_INVALID', 'providers.etcd: set both "username" and "password", or neither');
    }
    let tls;
    try {
      tls = options.tls && loadKvTls(options.tls, ctx.baseDir, 'etcd');
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    return createEtcdProvider({
      endpoints: options.endpoints ?? ['127.0.0.1:2379'],
      rootKey: options.rootKey ?? 'traefik',
      ...(options.username !== undefined && { auth: { username: options.username, password: options.password! } }),
      ...(tls && { tls }),
      log: ctx.log,
      ...(ctx.middlewares && { middlewares: ctx.middlewares }),
    });
  },
});

export { createEtcdProvider, type EtcdProviderOptions } from './etcd-provider.js';
