import { Type, type Static } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import { getContext } from '../http/context.js';
import { IpStrategySchema, createIpStrategy } from './ip-strategy.js';

/** `sourceCriterion`: what groups requests for rateLimit and inFlightReq (one of the three). */
export const SourceCriterionSchema = Type.Object(
  {
    ipStrategy: Type.Optional(IpStrategySchema),
    requestHeaderName: Type.Optional(Type.String({ minLength: 1, description: 'Group by the value of this request header.' })),
    requestHost: Type.Optional(Type.Boolean({ description: 'Group by the request host.' })),
  },
  { additionalProperties: false },
);

/** The options of a source criterion. */
export type SourceCriterionConfig = Static<typeof SourceCriterionSchema>;

/** Builds the request → source key function; `fallback` is used when no criterion is set. */
export function createSourceKey(config: SourceCriterionConfig | undefined, fallback: 'ip' | 'host'): (req: IncomingMessage) => string {
  const set = [config?.ipStrategy !== undefined, config?.requestHeaderName !== undefined, config?.requestHost === true].filter(Boolean).length;
  if (set > 1) throw new Error('sourceCriterion: set only one of ipStrategy, requestHeaderName, requestHost');
  if (config?.requestHeaderName) {
    const name = config.requestHeaderName.toLowerCase();
    return (req) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : (value ?? '');
    };
  }
  if (config?.requestHost || (set === 0 && fallback === 'host')) return (req) => getContext(req).host;
  return createIpStrategy(config?.ipStrategy, 'sourceCriterion.ipStrategy');
}
