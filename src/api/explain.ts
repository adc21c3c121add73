import type { GatewayView } from '../gateway-view.js';
import { INTERNAL_ENTRY_POINT } from '../config/static-types.js';
import { compileRule, type CompiledRule, type RuleExplanation } from '../rules/compile.js';
import { failedMatchers } from '../rules/explain.js';
import type { RoutingTable } from '../routing/table.js';
import type { RouterStatus } from '../runtime/status.js';
import { providerOf, resolveRef } from '../runtime/names.js';
import type { DescribedRequest, Refusal } from './explain-request.js';
import { effectivePriority } from './representation.js';

/** One router that could have taken the request, in evaluation order. */
export interface Candidate {
  name: string;
  rule: string;
  priority: number;
  priorityStr: string;
  status: string;
  /** False when the router cannot serve this request at all: disabled, or TLS-ness differs. */
  eligible: boolean;
  /** True when the rule matched and the router was eligible. */
  matched: boolean;
  /** Why it did not take the request (empty for the router that did). */
  reasons: string[];
  error?: string[];
  /** How each sub-expression of the rule fared (absent when the rule does not compile). */
  explanation?: RuleExplanation;
  /** Set for routers the gateway adds itself (ping, entry point redirections). */
  internal?: boolean;
}

/** A step of the chain a request goes through, in order. */
export interface ChainStep {
  name: string;
  /** Where the step comes from: the entry point's `http.middlewares`, the router, or the service. */
  from: 'entryPoint' | 'router' | 'service';
  type?: string;
  status?: string;
}

/** What routing does with the request on one entry point. */
export interface EntryPointExplanation {
  entryPoint: string;
  /** The router that takes the request, or null (404, or refused). */
  router: string | null;
  /** Set when the entry point's request policy answers the request itself (400), before any router. */
  refused?: Refusal;
  /** The path and query as this entry point normalises them (its `encodedCharacters` and `sanitizePath`). */
  path?: string;
  query?: string;
  candidates: Candidate[];
  chain: ChainStep[];
  service: { name: string; type?: string; status?: string; serverStatus?: Record<string, 'UP' | 'DOWN'> } | null;
}

/** The entry points the routing table serves (the internal one is fastify's, not routed). */
export function routedEntryPoints(view: GatewayView): string[] {
  return Object.values(view.config.entryPoints)
    .filter((ep) => ep.protocol === 'tcp' && ep.name !== INTERNAL_ENTRY_POINT)
    .map((ep) => ep.name)
    .sort();
}

/** Runs the live routing table on a described request for one entry point and says why each router did or did not take it. */
export function explainOn(view: GatewayView, table: RoutingTable, entryPoint: string, described: DescribedRequest | Refusal): EntryPointExplanation {
  if ('status' in described) return { entryPoint, router: null, refused: described, candidates: [], chain: [], service: null };
  const req = described;
  const defaults = view.config.defaultEntryPoints.filter((ep) => ep !== INTERNAL_ENTRY_POINT);
  const routers = Object.values(table.status.routers).filter((r) => attachedTo(r, defaults).includes(entryPoint));
  const ordered = routers
    .map((router) => ({ router, priority: effectivePriority(router) }))
    .sort((a, b) => (a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : a.router.name < b.router.name ? -1 : 1));
  // The table decides; candidates are re-evaluated beside it only to say why.
  const winner = table.match(entryPoint, req.tls, req)?.name ?? null;
  const rules = compiledRules(table);
  const candidates = ordered.map(({ router, priority }) => candidate(router, priority, req, winner, rules));
  if (winner && !candidates.some((c) => c.name === winner)) {
    candidates.unshift({ name: winner, rule: '', priority: 0, priorityStr: '0', status: 'enabled', eligible: true, matched: true, reasons: [], internal: true });
  }
  const chosen = winner ? table.status.routers[winner] : undefined;
  return { entryPoint, router: winner, path: req.path, query: req.query, candidates, ...(chosen ? path(view, table, chosen, entryPoint) : { chain: [], service: null }) };
}

function attachedTo(router: RouterStatus, defaults: string[]): string[] {
  if (router.using.length) return router.using;
  const wanted = router.config?.entryPoints;
  return wanted?.length ? wanted : defaults;
}

// Rules compiled once per table, so explaining on thousands of routers does not recompile their regexps each time.
const ruleCache = new WeakMap<RoutingTable, Map<string, CompiledRule | Error>>();

function compiledRules(table: RoutingTable): Map<string, CompiledRule | Error> {
  let rules = ruleCache.get(table);
  if (!rules) ruleCache.set(table, (rules = new Map()));
  return rules;
}

function candidate(router: RouterStatus, priority: number, req: DescribedRequest, winner: string | null, rules: Map<string, CompiledRule | Error>): Candidate {
  const rule = typeof router.config?.rule === 'string' ? router.config.rule : '';
  const reasons: string[] = [];
  let compiled = rules.get(rule);
  if (!compiled) {
    try {
      compiled = compileRule(rule);
    } catch (error) {
      compiled = error as Error;
    }
    rules.set(rule, compiled);
  }
  const explanation: RuleExplanation | undefined = compiled instanceof Error ? undefined : compiled.explain(req);
  if (compiled instanceof Error) reasons.push(`rule does not compile: ${compiled.message}`);
  const wantsTls = Boolean(router.config?.tls);
  if (router.status === 'disabled') reasons.push(`router is disabled: ${(router.error ?? []).join('; ')}`);
  if (wantsTls !== req.tls) reasons.push(wantsTls ? 'router has tls set: it only takes HTTPS requests' : 'router has no tls: it only takes plain HTTP requests');
  const eligible = reasons.length === 0;
  const matched = eligible && explanation?.matched === true;
  if (explanation && !explanation.matched) reasons.push(...failedMatchers(explanation));
  if (matched && winner !== router.name) reasons.push(winner ? `shadowed: ${winner} comes first` : 'not taken');
  return {
    name: router.name,
    rule,
    priority,
    priorityStr: String(priority),
    status: router.status,
    eligible,
    matched,
    reasons,
    ...(router.error?.length ? { error: [...router.error] } : {}),
    ...(explanation ? { explanation } : {}),
  };
}

function path(view: GatewayView, table: RoutingTable, router: RouterStatus, entryPoint: string): Pick<EntryPointExplanation, 'chain' | 'service'> {
  const provider = router.provider || providerOf(router.name);
  const step = (name: string, from: ChainStep['from']): ChainStep => {
    const status = table.status.middlewares[name];
    return { name, from, ...(status ? { type: status.type, status: status.status } : {}) };
  };
  const chain = [
    ...(view.config.entryPoints[entryPoint]?.http.middlewares ?? []).map((m) => step(m, 'entryPoint')),
    ...(router.config.middlewares ?? []).map((m) => step(resolveRef(m, provider), 'router')),
  ];
  const serviceName = resolveRef(router.config.service, provider);
  const service = table.status.services[serviceName];
  if (service) chain.push(...(service.config.middlewares ?? []).map((m) => step(resolveRef(m, service.provider), 'service')));
  const live = table.services.get(serviceName)?.serverStatus() ?? {};
  return {
    chain,
    service: {
      name: serviceName,
      ...(service ? { type: service.type, status: service.status } : {}),
      ...(Object.keys(live).length ? { serverStatus: live } : {}),
    },
  };
}
