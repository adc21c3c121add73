import type { Handler } from '../http/context.js';
import { getContext, forwardedUrl } from '../http/context.js';
import { compileRule } from '../rules/compile.js';
import type { CompiledRouter } from '../routing/table.js';
import type { EntryPointView } from './entry-point-view.js';

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** The internal router that `http.redirections.entryPoint` creates on an entry point. */
export function redirectRouter(ep: EntryPointView): CompiledRouter | undefined {
  const redirect = ep.redirect;
  if (!redirect) return undefined;
  const port = redirect.port && redirect.port !== DEFAULT_PORTS[redirect.scheme] ? `:${redirect.port}` : '';
  const handler: Handler = (req, res) => {
    const ctx = getContext(req);
    const safeMethod = req.method === 'GET' || req.method === 'HEAD';
    // Same status rules as the redirectScheme middleware: 301/308 permanent, 302/307 temporary.
    res.statusCode = redirect.permanent ? (safeMethod ? 301 : 308) : safeMethod ? 302 : 307;
    const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
    res.setHeader('Location', `${redirect.scheme}://${host}${port}${forwardedUrl(ctx)}`);
    res.end();
  };
  const rule = 'HostRegexp(`^.+$`)';
  const name = `${ep.name}-to-${redirect.to}@internal`;
  return {
    name,
    entryPoints: [ep.name],
    tls: false,
    route: { name, priority: redirect.priority, rule: compileRule(rule), value: handler },
  };
}
