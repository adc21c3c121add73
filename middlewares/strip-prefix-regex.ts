import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { getContext } from '../src/http/context.js';
import { compileGoRegexp } from './path/go-regexp.js';
import { addRequestHeader, applyRewrite, ensureLeadingSlash } from './path/rewrite.js';

/** `stripPrefixRegex`: removes the part of the path a Go regular expression matches at its start. */
export const stripPrefixRegexMiddleware = defineMiddleware({
  type: 'stripPrefixRegex',
  schema: Type.Object(
    {
      regex: Type.Array(Type.String(), {
        minItems: 1,
        description: 'Go RE2 expressions tried in order against the normalised path; the first whose leftmost match is a non-empty prefix of the path is removed. Required.',
      }),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    const expressions = config.regex.map((pattern, i) => {
      try {
        return compileGoRegexp(pattern.trim()).re;
      } catch (err) {
        throw new Error(`regex[${i}]: invalid regular expression "${pattern}": ${(err as Error).message}`);
      }
    });
    return (req, res) => {
      const path = getContext(req).path;
      for (const re of expressions) {
        const prefix = re.exec(path)?.[0];
        // Like Traefik, only a match that starts the path counts; a later one moves on to the next expression.
        if (!prefix || !path.startsWith(prefix)) continue;
        if (!applyRewrite(req, res, ensureLeadingSlash(path.slice(prefix.length)))) return;
        addRequestHeader(req, 'x-forwarded-prefix', prefix);
        break;
      }
      return next(req, res);
    };
  },
});
