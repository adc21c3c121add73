import type { DynamicConfig } from '../config/dynamic-schema.js';
import { compileRule } from '../rules/compile.js';
import { buildTlsOptions, type BuiltTlsOptions } from './tls-options.js';

/** The `http.tls` of an entry point: defaults for every router on it, which all become TLS routers. */
export interface EntryPointTls {
  options?: string;
  certResolver?: string;
  domains?: Array<{ main: string; sans?: string[] }>;
}

/** A problem the TLS configuration causes on a router; `disable` when serving it would weaken TLS. */
export interface RouterTlsError {
  message: string;
  disable: boolean;
}

/** TLS options and per-host choices computed from one dynamic configuration (no I/O but CA files). */
export interface TlsPlan {
  options: ReadonlyMap<string, BuiltTlsOptions>;
  /** Canonical host (or `*.suffix`) → options name, from the TLS routers' Host rules. */
  hostOptions: ReadonlyMap<string, string>;
  routerErrors: ReadonlyMap<string, RouterTlsError>;
  /** Options that failed to build, with why (reported once per configuration). */
  optionErrors: ReadonlyMap<string, string>;
}

/** Inputs from the static configuration. */
export interface PlanContext {
  baseDir: string;
  entryPointTls: ReadonlyMap<string, EntryPointTls>;
  defaultEntryPoints: string[];
}

/**
 * Builds every TLS option set and decides, per host, which one its handshake uses: the one its
 * routers name (`default` if none); routers naming a broken or unknown set are disabled
 * (CVE-2022-46153), routers disagreeing on a host get the default set and a warning (as Traefik).
 */
export function planTls(config: DynamicConfig, ctx: PlanContext): TlsPlan {
  const options = new Map<string, BuiltTlsOptions>();
  const optionErrors = new Map<string, string>();
  const raw = { default: {}, ...(config.tls?.options ?? {}) };
  for (const [name, value] of Object.entries(raw)) {
    try {
      options.set(name, buildTlsOptions(name, value as Record<string, unknown>, ctx.baseDir));
    } catch (error) {
      optionErrors.set(name, (error as Error).message);
    }
  }
  const routerErrors = new Map<string, RouterTlsError>();
  const claims = new Map<string, { option: string; routers: string[] }>();
  const conflicts = new Set<string>();
  const routers = config.http?.routers ?? {};
  for (const name of Object.keys(routers)) {
    const router = routers[name]!;
    const eps = router.entryPoints?.length ? router.entryPoints : ctx.defaultEntryPoints;
    // The first of its entry points with `http.tls`, found without a list per router (10,000 of them, issue 8).
    let epTls: EntryPointTls | undefined;
    for (let i = 0; i < eps.length && epTls === undefined && ctx.entryPointTls.size > 0; i++) epTls = ctx.entryPointTls.get(eps[i]!);
    const tls = router.tls ?? epTls;
    if (!tls) continue;
    const option = qualifyOption(tls.options ?? epTls?.options ?? 'default', name);
    if (optionErrors.has(option)) {
      routerErrors.set(name, { message: `TLS options "${option}" are invalid, the router is not served: ${optionErrors.get(option)}`, disable: true });
      continue;
    }
    if (!options.has(option)) {
      routerErrors.set(name, { message: `unknown TLS options: ${option}`, disable: true });
      continue;
    }
    let hosts: string[] | null = null;
    try {
      hosts = compileRule(router.rule).hosts;
    } catch {
      continue; // compile() reports the rule.
    }
    for (const host of hosts ?? []) {
      const claim = claims.get(host);
      if (!claim) claims.set(host, { option, routers: [name] });
      else {
        claim.routers.push(name);
        if (claim.option !== option) conflicts.add(host);
      }
    }
  }
  const hostOptions = new Map<string, string>();
  for (const [host, claim] of claims) {
    if (!conflicts.has(host)) {
      hostOptions.set(host, claim.option);
      continue;
    }
    for (const router of claim.routers) {
      if (!routerErrors.has(router)) routerErrors.set(router, { message: `found different TLS options for routers on the same host ${host}, so using the default TLS options instead`, disable: false });
    }
  }
  return { options, hostOptions, routerErrors, optionErrors };
}

/** `default` is global; other option names are `name@provider`, qualified with the router's provider. */
export function qualifyOption(option: string, routerName: string): string {
  if (option === 'default' || option.includes('@')) return option;
  const at = routerName.lastIndexOf('@');
  return at >= 0 ? `${option}${routerName.slice(at)}` : option;
}

/** The options name for a canonical host: exact, then one-label wildcard, else `default`. */
export function optionsNameForHost(plan: TlsPlan, host: string | undefined): string {
  if (!host) return 'default';
  const name = host.toLowerCase().replace(/\.$/, '');
  const exact = plan.hostOptions.get(name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return (dot > 0 && plan.hostOptions.get(`*.${name.slice(dot + 1)}`)) || 'default';
}
