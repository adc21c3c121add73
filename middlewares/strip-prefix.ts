import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { getContext } from '../src/http/context.js';
import { addRequestHeader, applyRewrite, ensureLeadingSlash, toPathForm } from './path/rewrite.js';

/** `stripPrefix`: removes the first matching prefix from the path and announces it in `X-Forwarded-Prefix`. */
export const stripPrefixMiddleware = defineMiddleware({
  type: 'stripPrefix',
  schema: Type.Object(
    {
      prefixes: Type.Array(Type.String(), {
        minItems: 1,
        description: 'Prefixes to remove, tried in order; the first one the path starts with (character-wise) is removed. Required.',
      }),
      forceSlash: Type.Optional(Type.Boolean({ description: 'Deprecated in Traefik; accepted and ignored: the result always starts with `/`.' })),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    // Traefik trims spaces around each prefix. The path form is also what X-Forwarded-Prefix carries:
    // a header value must stay ASCII.
    const prefixes = config.prefixes.map((p, i) => {
      const trimmed = p.trim();
      if (trimmed === '') throw new Error(`prefixes[${i}]: must not be empty`);
      return toPathForm(trimmed);
    });
    return (req, res) => {
      const path = getContext(req).path;
      const prefix = prefixes.find((p) => path.startsWith(p));
      if (prefix !== undefined) {
        if (!applyRewrite(req, res, ensureLeadingSlash(path.slice(prefix.length)))) return;
        addRequestHeader(req, 'x-forwarded-prefix', prefix);
      }
      return next(req, res);
    };
  },
});
