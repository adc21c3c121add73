import { Type } from '@sinclair/typebox';
import { syError } from '../../src/errors.js';
import { Duration, NamedMap } from '../../src/config/types.js';
import { parseDuration } from '../../src/duration.js';
import { defineProvider } from '../../src/provider/definition.js';
import { ClientTlsSchema, createProviderAgent } from '../../src/provider/remote/tls-agent.js';
import { createHttpProvider } from './http-provider.js';

/** `providers.http` in the static configuration (Traefik's keys). */
export const httpProviderSchema = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, description: 'URL answering with the dynamic configuration (JSON, or YAML when the Content-Type says so).' }),
    pollInterval: Type.Optional(Duration('Time between polls. Default 5s.')),
    pollTimeout: Type.Optional(Duration('Timeout of one poll, body included. Default 5s.')),
    headers: Type.Optional(NamedMap(Type.String(), 'Headers sent with every poll.')),
    tls: Type.Optional(ClientTlsSchema),
    maxResponseBodySize: Type.Optional(Type.Integer({ description: 'Largest accepted body in bytes. Default -1 (no limit).' })),
  },
  { additionalProperties: false },
);

/** The http provider: polls an endpoint for a whole dynamic configuration, with ETag revalidation. */
export const httpProvider = defineProvider({
  type: 'http',
  schema: httpProviderSchema,
  create(options, ctx) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw syError('SY_ERR_STATIC_INVALID', `providers.http.endpoint: "${options.endpoint}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw syError('SY_ERR_STATIC_INVALID', `providers.http.endpoint: "${options.endpoint}" must be an http or https URL`);
    const ms = (value: string | number | undefined, fallback: number, key: string): number => {
      try {
        const parsed = value === undefined ? fallback : parseDuration(value);
        if (parsed <= 0) throw new Error('must be positive');
        return parsed;
      } catch (error) {
        throw syError('SY_ERR_STATIC_INVALID', `providers.http.${key}: ${(error as Error).message}`);
      }
    };
    let agent;
    try {
      agent = createProviderAgent(options.tls, 'providers.http', ctx.baseDir);
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', (error as Error).message);
    }
    return createHttpProvider({
      endpoint: url.href,
      pollIntervalMs: ms(options.pollInterval, 5000, 'pollInterval'),
      pollTimeoutMs: ms(options.pollTimeout, 5000, 'pollTimeout'),
      headers: options.headers ?? {},
      maxResponseBodySize: options.maxResponseBodySize ?? -1,
      agent,
      log: ctx.log,
    });
  },
});

export { createHttpProvider, type HttpProviderOptions } from './http-provider.js';
