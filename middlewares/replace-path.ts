import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { getContext } from '../src/http/context.js';
import { addRequestHeader, applyRewrite, checkRewrite, ensureLeadingSlash } from './path/rewrite.js';

/** `replacePath`: forwards a fixed path instead of the request's, keeping the original in `X-Replaced-Path`. */
export const replacePathMiddleware = defineMiddleware({
  type: 'replacePath',
  schema: Type.Object(
    {
      path: Type.String({ description: 'The path sent to the server instead of the request path (query kept). Required.' }),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    // Go would send a path without a leading slash as is, which no server accepts; the slash is added.
    const path = ensureLeadingSlash(config.path);
    const checked = checkRewrite(path);
    if ('error' in checked) throw new Error(`path: ${checked.error} (got "${config.path}")`);
    return (req, res) => {
      const original = getContext(req).path;
      if (!applyRewrite(req, res, path)) return;
      addRequestHeader(req, 'x-replaced-path', original);
      return next(req, res);
    };
  },
});
