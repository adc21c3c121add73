import type { Handler } from '../http/context.js';
import { compileRule } from '../rules/compile.js';
import type { CompiledRouter } from '../routing/table.js';

// Internal routers outrank every user router (Traefik gives ping MaxInt).
const PING_PRIORITY = Number.MAX_SAFE_INTEGER;

/** The `ping@internal` router for a ping served on a public entry point instead of the internal one. */
export function pingRouter(entryPoint: string, terminatingStatus: number, terminating: () => boolean): CompiledRouter {
  const handler: Handler = (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      return void res.end();
    }
    res.statusCode = terminating() ? terminatingStatus : 200;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('OK');
  };
  const rule = 'Path(`/ping`)';
  return { name: 'ping@internal', entryPoints: [entryPoint], tls: false, route: { name: 'ping@internal', priority: PING_PRIORITY, rule: compileRule(rule), value: handler } };
}
