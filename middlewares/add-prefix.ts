import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { getContext } from '../src/http/context.js';
import { applyRewrite, checkRewrite } from './path/rewrite.js';

/** `addPrefix`: puts a fixed prefix in front of the path before forwarding. */
export const addPrefixMiddleware = defineMiddleware({
  type: 'addPrefix',
  schema: Type.Object(
    {
      prefix: Type.String({ description: "Prefix added in front of the request's path; must start with '/'. Required." }),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    const prefix = config.prefix;
    if (prefix === '') throw new Error('prefix: must not be empty');
    if (!prefix.startsWith('/')) throw new Error(`prefix: must start with '/' (got "${prefix}")`);
    const checked = checkRewrite(prefix);
    if ('error' in checked) throw new Error(`prefix: ${checked.error}`);
    return (req, res) => {
      if (!applyRewrite(req, res, prefix + getContext(req).path)) return;
      return next(req, res);
    };
  },
});
