import type { StaticConfig, EntryPointConfig } from './config/static-types.js';
import { INTERNAL_ENTRY_POINT } from './config/static-types.js';
import type { EntryPointView } from './runtime/entry-point-view.js';

/** Turns the static entry points into what compiling needs (redirect targets resolved to ports). */
export function entryPointViews(config: StaticConfig): EntryPointView[] {
  return Object.values(config.entryPoints)
    .filter((ep) => ep.protocol === 'tcp')
    .map((ep) => ({
      name: ep.name,
      asDefault: config.defaultEntryPoints.includes(ep.name) && ep.name !== INTERNAL_ENTRY_POINT,
      internal: ep.name === INTERNAL_ENTRY_POINT,
      middlewares: ep.http.middlewares,
      ...redirectOf(ep, config),
    }));
}

function redirectOf(ep: EntryPointConfig, config: StaticConfig): Pick<EntryPointView, 'redirect'> {
  const redirect = ep.http.redirections?.entryPoint;
  if (!redirect) return {};
  // `to` is an entry point name, or `:port` (Traefik accepts both).
  const target = config.entryPoints[redirect.to];
  const port = target ? String(target.port) : redirect.to.replace(/^:/, '');
  if (!/^\d+$/.test(port)) throw new Error(`entryPoints.${ep.name}.http.redirections.entryPoint.to: "${redirect.to}" is neither an entry point nor :port`);
  return { redirect: { to: redirect.to.replace(/^:/, ''), scheme: redirect.scheme, permanent: redirect.permanent, priority: redirect.priority, port } };
}

/** Entry points served by the routing table (every TCP one but the internal one). */
export function servedEntryPoints(config: StaticConfig): EntryPointConfig[] {
  return Object.values(config.entryPoints).filter((ep) => ep.protocol === 'tcp' && ep.name !== INTERNAL_ENTRY_POINT);
}
