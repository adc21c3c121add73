import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { defineProvider } from '../../src/provider/definition.js';
import { consulBase } from '../../src/provider/remote/consul-client.js';
import { ClientTlsSchema, createProviderAgent } from '../../src/provider/remote/tls-agent.js';
import { createConsulKvProvider } from './kv-provider.js';

/** `providers.consul` in the static configuration (Traefik's keys). */
export const consulProviderSchema = Type.Object(
  {
    endpoints: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Consul agents, `host:port` or URLs, tried in turn. Default [127.0.0.1:8500].' })),
    rootKey: Type.Optional(Type.String({ description: 'Root of the configuration keys. Default traefik.' })),
    token: Type.Optional(Type.String({ description: 'ACL token, sent as X-Consul-Token.' })),
    namespaces: Type.Optional(Type.Array(Type.String(), { maxItems: 1, description: 'Enterprise namespace to read (one per provider).' })),
    tls: Type.Optional(ClientTlsSchema),
  },
  { additionalProperties: false },
);

/** The consul KV provider: Traefik's KV layout under `rootKey`, watched with blocking queries. */
export const consulProvider = defineProvider({
  type: 'consul',
  schema: consulProviderSchema,
  create(options, ctx) {
    let agent;
    try {
      agent = createProviderAgent(options.tls, 'providers.consul', ctx.baseDir);
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    const scheme = options.tls ? 'https' : 'http';
    const middlewares = ctx.middlewares;
    return createConsulKvProvider({
      bases: (options.endpoints ?? ['127.0.0.1:8500']).map((endpoint) => consulBase(endpoint, scheme)),
      rootKey: options.rootKey ?? 'traefik',
      ...(options.token ? { token: options.token } : {}),
      ...(options.namespaces?.[0] ? { namespace: options.namespaces[0] } : {}),
      agent,
      ...(middlewares ? { middlewares } : {}),
      log: ctx.log,
    });
  },
});

export { createConsulKvProvider, type ConsulKvOptions } from './kv-provider.js';
