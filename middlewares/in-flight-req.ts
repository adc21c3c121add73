import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { SourceCriterionSchema, createSourceKey } from '../src/middleware/source-criterion.js';
import { configHash } from '../src/runtime/state-store.js';
import { replyText } from './traffic-control/reply.js';

/** `inFlightReq`: caps the requests in progress per source; one counter set per middleware, shared by its routers. */
export const inFlightReqMiddleware = defineMiddleware({
  type: 'inFlightReq',
  schema: Type.Object(
    {
      amount: Type.Integer({ minimum: 1, description: 'Requests allowed in progress at once per source. Required.' }),
      sourceCriterion: Type.Optional({ ...SourceCriterionSchema, description: 'What groups requests. Default: the request host (requestHost), as in Traefik.' }),
    },
    { additionalProperties: false },
  ),
  create(config, next, ctx) {
    const sourceOf = createSourceKey(config.sourceCriterion, 'host');
    const amount = config.amount;
    const counts = ctx.state.get(`inFlightReq:${ctx.name}:${configHash(config)}`, () => new Map<string, number>());
    return (req, res) => {
      const source = sourceOf(req);
      const current = counts.get(source) ?? 0;
      if (current >= amount) return replyText(res, 429);
      counts.set(source, current + 1);
      let released = false;
      // 'close' fires both when the response is done and when the client goes away mid-way.
      const release = (): void => {
        if (released) return;
        released = true;
        const left = (counts.get(source) ?? 1) - 1;
        if (left <= 0) counts.delete(source);
        else counts.set(source, left);
      };
      res.once('close', release);
      res.once('finish', release);
      return next(req, res);
    };
  },
});
