import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { getContext } from '../src/http/context.js';
import { compileGoRegexp, replaceAllGo } from './path/go-regexp.js';
import { addRequestHeader, applyRewrite, ensureLeadingSlash } from './path/rewrite.js';

/** `replacePathRegex`: rewrites the path with a Go regular expression and replacement, keeping the original in `X-Replaced-Path`. */
export const replacePathRegexMiddleware = defineMiddleware({
  type: 'replacePathRegex',
  schema: Type.Object(
    {
      regex: Type.String({ description: 'Go RE2 expression matched against the normalised path. Required.' }),
      replacement: Type.String({ description: 'Replacement for every match, with Go expansion: `${1}`, `$1`, `${name}`, `$$` for a literal `$`. Required.' }),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    let regexp;
    try {
      regexp = compileGoRegexp(config.regex.trim());
    } catch (err) {
      throw new Error(`regex: invalid regular expression "${config.regex}": ${(err as Error).message}`);
    }
    // Traefik trims spaces around the replacement too.
    const replacement = config.replacement.trim();
    const compiled = regexp;
    return (req, res) => {
      const original = getContext(req).path;
      if (!compiled.re.test(original)) return next(req, res);
      if (!applyRewrite(req, res, ensureLeadingSlash(replaceAllGo(compiled, original, replacement)))) return;
      addRequestHeader(req, 'x-replaced-path', original);
      return next(req, res);
    };
  },
});
