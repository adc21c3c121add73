import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';

/** `chain`: runs other middlewares in order, as one reusable middleware. */
export const chainMiddleware = defineMiddleware({
  type: 'chain',
  schema: Type.Object(
    { middlewares: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Middlewares to run, in order.' }) },
    { additionalProperties: false },
  ),
  create(config, next, ctx) {
    return ctx.buildChain(config.middlewares, next);
  },
});
