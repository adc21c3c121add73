import type { Handler } from '../http/context.js';
import { compileRule } from '../rules/compile.js';
import type { CompiledRouter } from '../routing/table.js';

const PREFIX = '/.well-known/acme-challenge/';
// Above every user router, like ping: Traefik gives acme-http@internal the maximum priority.
const PRIORITY = Number.MAX_SAFE_INTEGER;

/** The key authorization for a token, or undefined; a worker asks its control process, hence the promise. */
export type HttpChallengeLookup = (token: string) => string | undefined | Promise<string | undefined>;

/** The `acme-http@internal` router answering HTTP-01 challenges on an entry point before any user router. */
export function acmeHttpRouter(entryPoint: string, answer: HttpChallengeLookup): CompiledRouter {
  const respond = (res: Parameters<Handler>[1], keyAuthorization: string | undefined) => {
    res.statusCode = keyAuthorization === undefined ? 404 : 200;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(keyAuthorization ?? '');
  };
  const handler: Handler = (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    let token = '';
    try {
      token = decodeURIComponent(path.slice(PREFIX.length));
    } catch {
      // A malformed escape cannot be one of our tokens (base64url).
    }
    const keyAuthorization = req.method === 'GET' || req.method === 'HEAD' ? answer(token) : undefined;
    // A synchronous answer (single process) is written in the same tick, as before worker mode existed.
    if (typeof keyAuthorization === 'object') return keyAuthorization.then((k) => respond(res, k), () => respond(res, undefined));
    respond(res, keyAuthorization);
  };
  const rule = `PathPrefix(\`${PREFIX}\`)`;
  return { name: 'acme-http@internal', entryPoints: [entryPoint], tls: false, route: { name: 'acme-http@internal', priority: PRIORITY, rule: compileRule(rule), value: handler } };
}
