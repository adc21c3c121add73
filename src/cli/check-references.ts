import type { DynamicConfig } from '../config/dynamic-schema.js';
import { compileRule, RuleError } from '../rules/compile.js';
import { providerOf, resolveRef } from '../runtime/names.js';

/** Offline checks a routing table would fail on: rules that do not parse and references to missing elements. */
export function checkReferences(
  config: DynamicConfig,
  entryPoints: string[],
  originOf: (key: string) => string | undefined = () => undefined,
  invalid: ReadonlySet<string> = new Set(),
): string[] {
  const http = config.http ?? {};
  const problems: string[] = [];
  const where = (kind: string, name: string) => {
    const origin = originOf(`${kind}:${name.replace(/@[^@]*$/, '')}`);
    return `${kind} "${name}"${origin ? ` (${origin})` : ''}`;
  };
  const exists = (section: Record<string, unknown> | undefined, ref: string, provider: string) =>
    Boolean(section?.[resolveRef(ref, provider)]) || ref.endsWith('@internal');
  // An element left out for its own errors exists but is invalid: say so rather than "does not exist".
  const missing = (ref: string, provider: string) => (invalid.has(resolveRef(ref, provider)) ? 'is invalid (see its own error)' : 'does not exist');

  for (const [name, router] of Object.entries(http.routers ?? {})) {
    const provider = providerOf(name);
    try {
      compileRule(router.rule);
    } catch (error) {
      problems.push(`${where('router', name)}: rule: ${error instanceof RuleError ? error.message : String(error)}`);
    }
    if (!exists(http.services, router.service, provider)) problems.push(`${where('router', name)}: service "${resolveRef(router.service, provider)}" ${missing(router.service, provider)}`);
    for (const m of router.middlewares ?? []) {
      if (!exists(http.middlewares, m, provider)) problems.push(`${where('router', name)}: middlewares: middleware "${resolveRef(m, provider)}" ${missing(m, provider)}`);
    }
    for (const ep of router.entryPoints ?? []) {
      if (!entryPoints.includes(ep)) problems.push(`${where('router', name)}: entryPoints: entry point "${ep}" does not exist`);
    }
  }
  for (const [name, service] of Object.entries(http.services ?? {})) {
    const provider = providerOf(name);
    const children = [
      ...(service.weighted?.services.map((s) => s.name) ?? []),
      ...(service.highestRandomWeight?.services.map((s) => s.name) ?? []),
      ...(service.mirroring ? [service.mirroring.service, ...(service.mirroring.mirrors ?? []).map((m) => m.name)] : []),
      ...(service.failover ? [service.failover.service, service.failover.fallback] : []),
    ];
    for (const child of children) {
      if (!exists(http.services, child, provider)) problems.push(`${where('service', name)}: service "${resolveRef(child, provider)}" ${missing(child, provider)}`);
    }
    const transport = service.loadBalancer?.serversTransport;
    if (transport && !exists(http.serversTransports, transport, provider)) {
      problems.push(`${where('service', name)}: loadBalancer.serversTransport "${resolveRef(transport, provider)}" ${missing(transport, provider)}`);
    }
    for (const m of service.middlewares ?? []) {
      if (!exists(http.middlewares, m, provider)) problems.push(`${where('service', name)}: middlewares: middleware "${resolveRef(m, provider)}" ${missing(m, provider)}`);
    }
  }
  for (const [name, middleware] of Object.entries(http.middlewares ?? {})) {
    const chain = (middleware as { chain?: { middlewares?: string[] } }).chain;
    for (const m of chain?.middlewares ?? []) {
      if (!exists(http.middlewares, m, providerOf(name))) problems.push(`${where('middleware', name)}: chain.middlewares: middleware "${resolveRef(m, providerOf(name))}" ${missing(m, providerOf(name))}`);
    }
  }
  return problems;
}
