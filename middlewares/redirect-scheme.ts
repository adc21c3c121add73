import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../src/middleware/definition.js';
import { forwardedUrl, getContext } from '../src/http/context.js';
import { requestHost, requestScheme, sendRedirect, splitHostPort } from './redirect/move.js';

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** `redirectScheme`: redirects to the same host and path with another scheme (and optionally port). */
export const redirectSchemeMiddleware = defineMiddleware({
  type: 'redirectScheme',
  schema: Type.Object(
    {
      scheme: Type.String({ description: 'Scheme of the Location, e.g. `https`. Required.' }),
      port: Type.Optional(
        Type.Union([Type.String(), Type.Integer({ minimum: 1, maximum: 65535 })], {
          description: "Port of the Location; left out when it is the scheme's default (80 for http, 443 for https). Default: no port.",
        }),
      ),
      permanent: Type.Optional(Type.Boolean({ description: 'Use 301 / 308 instead of 302 / 307. Default false.' })),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    const scheme = config.scheme.trim();
    if (scheme === '') throw new Error('scheme: you must provide a target scheme');
    if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) throw new Error(`scheme: "${scheme}" is not a URI scheme`);
    const port = config.port === undefined ? '' : String(config.port).trim();
    if (port !== '' && !/^\d{1,5}$/.test(port)) throw new Error(`port: "${port}" is not a port number`);
    const target = scheme.toLowerCase();
    const portSuffix = port === '' || DEFAULT_PORTS[target] === port ? '' : `:${port}`;
    const permanent = config.permanent ?? false;
    return (req, res) => {
      const current = requestScheme(req);
      const { host, port: hostPort } = splitHostPort(requestHost(req));
      const currentPort = hostPort || DEFAULT_PORTS[current];
      // Already on the target scheme (and port, when one is configured): no redirect, so no loop.
      if (current === target && (port === '' || port === currentPort)) return next(req, res);
      sendRedirect(req, res, `${scheme}://${host}${portSuffix}${forwardedUrl(getContext(req))}`, permanent);
    };
  },
});
