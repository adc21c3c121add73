import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { forwardedUrl, getContext } from '../src/http/context.js';
import { compileGoRegexp, replaceAllGo } from './path/go-regexp.js';
import { requestHost, sendRedirect } from './redirect/move.js';

/** `redirectRegex`: redirects when a Go regular expression matches the full request URL. */
export const redirectRegexMiddleware = defineMiddleware({
  type: 'redirectRegex',
  schema: Type.Object(
    {
      regex: Type.String({ description: 'Go RE2 expression matched against `scheme://host[:port]/path?query`. Required.' }),
      replacement: Type.String({ description: 'The Location, with Go expansion: `${1}`, `$1`, `${name}` (`$1x` is the group named `1x`). Required.' }),
      permanent: Type.Optional(Type.Boolean({ description: 'Use 301 / 308 instead of 302 / 307. Default false.' })),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    let regexp;
    try {
      regexp = compileGoRegexp(config.regex);
    } catch (err) {
      throw new Error(`regex: invalid regular expression "${config.regex}": ${(err as Error).message}`);
    }
    const compiled = regexp;
    const permanent = config.permanent ?? false;
    return (req, res) => {
      const ctx = getContext(req);
      // As Traefik: the connection's scheme, not X-Forwarded-Proto; the Host header as sent (with its port).
      const url = `${ctx.tls ? 'https' : 'http'}://${requestHost(req)}${forwardedUrl(ctx)}`;
      if (!compiled.re.test(url)) return next(req, res);
      const location = replaceAllGo(compiled, url, config.replacement);
      // A replacement that gives back the same URL lets the request through, as in Traefik.
      if (location === url) return next(req, res);
      sendRedirect(req, res, location, permanent);
    };
  },
});
