import { hostExpression } from './host.js';
import { hostRegexpKey } from './host-regexp-key.js';
import type { Matcher, MatchRequest } from './match-request.js';
import { ArgumentError, MATCHER_NAMES, MATCHERS } from './matchers.js';
import { parseRule, type RuleNode } from './parser.js';
import { RuleError, RuleFault } from './rule-error.js';
import { createExplainer, type RuleExplanation } from './explain.js';

export { canonicalHost } from './host.js';
export type { MatchRequest } from './match-request.js';
export { RuleError } from './rule-error.js';
export type { RuleExplanation } from './explain.js';

/** A rule compiled into a predicate, with the hosts it is restricted to for indexing. */
export interface CompiledRule {
  rule: string;
  match(req: MatchRequest): boolean;
  /** Exact hosts (canonical) this rule can only match, for indexing; wildcards like '*.example.com' included as-is; null when the rule can match any host. */
  hosts: string[] | null;
  /**
   * What the route index files the rule under: exact hosts, `*.suffix` wildcards (one label more) and `~.suffix`
   * for any host ending with `.suffix` (a HostRegexp with a literal tail, see host-regexp-key.ts); null when the
   * rule can match any host. Unlike `hosts` (which TLS reads), a HostRegexp does not make this open.
   */
  hostKeys: string[] | null;
  /** Literal prefixes the routing path must start with one of for the rule to match, for indexing; null when the rule can match any path. */
  paths: string[] | null;
  /** Evaluates every sub-expression on the request and says how each fared (for the API's route tester). */
  explain(req: MatchRequest): RuleExplanation;
}

// Compiled rules are pure functions of their text, so a reload reuses the ones it already has (issue 8).
// Each entry records the last compile generation that used it; at a rotation, rules the ending generation
// did not use are dropped once they are as many as those it used, so the cache stays within about twice what
// the last configuration used (and a cap bounds callers, like the route tester, that never rotate). One map
// lookup per rule: two generations of maps cost a reload of 10,000 routers three lookups and an insert each.
const CACHE_CAP = 50_000;
interface CacheEntry {
  compiled: CompiledRule;
  used: number;
}
const cache = new Map<string, CacheEntry>();
let generation = 0;
let usedNow = 0;

/** Compiles a Traefik v3 HTTP rule; throws a RuleError naming what is wrong and where. Results are shared and frozen. */
export function compileRule(rule: string): CompiledRule {
  const entry = cache.get(rule);
  if (entry !== undefined) {
    if (entry.used !== generation) {
      entry.used = generation;
      usedNow++;
    }
    return entry.compiled;
  }
  const compiled = compileFresh(rule);
  if (cache.size >= CACHE_CAP) cache.clear();
  cache.set(rule, { compiled, used: generation });
  usedNow++;
  return compiled;
}

/** Ends a compile generation: rules it did not use are forgotten once they outnumber those it used. */
export function rotateRuleCache(): void {
  const ended = generation;
  const used = usedNow;
  generation++;
  usedNow = 0;
  if (cache.size <= 2 * used) return;
  for (const [rule, entry] of cache) if (entry.used < ended) cache.delete(rule);
}

function compileFresh(rule: string): CompiledRule {
  let tree: RuleNode;
  let match: Matcher;
  try {
    tree = parseRule(rule, MATCHER_NAMES);
    match = build(tree);
  } catch (err) {
    if (err instanceof RuleFault) throw new RuleError(rule, err.message, err.index);
    throw err;
  }
  const open = hostOpen(tree);
  const hosts = open ? null : hostsOf(tree);
  if (hosts) Object.freeze(hosts);
  // Without a HostRegexp or a negated Host the two readings agree: one list serves both.
  const hostKeys = open ? hostKeysOf(tree) : hosts;
  if (hostKeys) Object.freeze(hostKeys);
  const paths = pathsOf(tree);
  if (paths) Object.freeze(paths);
  return Object.freeze({ rule, match, hosts, hostKeys, paths, explain });
}

// One function for every compiled rule, its explainer built on first use (the API's route tester): a
// closure per rule cost a compile of 10,000 rules 10,000 closures and contexts it never used (issue 8).
const explainers = new WeakMap<CompiledRule, (req: MatchRequest) => RuleExplanation>();

function explain(this: CompiledRule, req: MatchRequest): RuleExplanation {
  let explainer = explainers.get(this);
  if (!explainer) explainers.set(this, (explainer = createExplainer(this.rule)));
  return explainer(req);
}

/** The default priority of a router: the length of its rule, in bytes as Traefik's Go `len(rule)` counts. */
export function defaultPriority(rule: string): number {
  return Buffer.byteLength(rule, 'utf8');
}

function build(node: RuleNode): Matcher {
  if (node.kind !== 'matcher') {
    const parts = node.children.map(build);
    if (parts.length === 2) {
      const [l, r] = parts;
      return node.kind === 'and' ? (req) => l(req) && r(req) : (req) => l(req) || r(req);
    }
    return node.kind === 'and' ? (req) => parts.every((m) => m(req)) : (req) => parts.some((m) => m(req));
  }
  const def = MATCHERS[node.name];
  const { args } = node;
  if (!def.arity.includes(args.length)) {
    const expected = def.arity.join(' or ');
    throw new RuleFault(
      `${node.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}`,
      node.index,
    );
  }
  const empty = args.findIndex((a) => a.value === '');
  if (empty >= 0) throw new RuleFault(`empty argument for ${node.name} matcher`, args[empty].index);
  let matcher: Matcher;
  try {
    matcher = def.build(args.map((a) => a.value));
  } catch (err) {
    if (err instanceof ArgumentError) throw new RuleFault(err.message, args[err.arg].index);
    throw err;
  }
  return node.negated ? negate(matcher) : matcher;
}

// Apart from build, so a matcher that is not negated keeps no closure context of its own (10,000 rules, issue 8).
function negate(matcher: Matcher): Matcher {
  return (req) => !matcher(req);
}

/** Whether any matcher makes the host unpredictable: a HostRegexp, or a Host under `!`. */
function hostOpen(node: RuleNode): boolean {
  if (node.kind !== 'matcher') return node.children.some(hostOpen);
  return node.name === 'HostRegexp' || (node.name === 'Host' && node.negated);
}

type MatcherNode = Extract<RuleNode, { kind: 'matcher' }>;

/**
 * What a rule restricts some request field to, for indexing: the values `leaf` gives a matcher, a conjunction
 * by any of its parts (the first that restricts), a disjunction only when all of them do (their union).
 */
function restriction(node: RuleNode, leaf: (matcher: MatcherNode) => string[] | null): string[] | null {
  if (node.kind === 'matcher') return leaf(node);
  if (node.kind === 'and') {
    // A loop, not a list of every part's answer: nearly every rule is a conjunction (10,000 rules, issue 8).
    for (const child of node.children) {
      const values = restriction(child, leaf);
      if (values !== null) return values;
    }
    return null;
  }
  const sets = node.children.map((child) => restriction(child, leaf));
  return sets.every((values) => values !== null) ? [...new Set(sets.flat() as string[])] : null;
}

/** The hosts a rule is restricted to (a negated Host or a HostRegexp makes it open first, see hostOpen). */
function hostsOf(node: RuleNode): string[] | null {
  return restriction(node, hostOfMatcher);
}

function hostOfMatcher(matcher: MatcherNode): string[] | null {
  if (matcher.name !== 'Host') return null;
  const host = hostExpression(matcher.args[0].value);
  return host === '*' ? null : [host];
}

/** The keys the route index files a rule under: its Hosts, and what its HostRegexps pin down. */
function hostKeysOf(node: RuleNode): string[] | null {
  return restriction(node, hostKeyOfMatcher);
}

function hostKeyOfMatcher(matcher: MatcherNode): string[] | null {
  if (matcher.negated) return null;
  if (matcher.name === 'Host') return hostOfMatcher(matcher);
  if (matcher.name !== 'HostRegexp') return null;
  const key = hostRegexpKey(matcher.args[0].value);
  return key === null ? null : 'exact' in key ? [key.exact] : [`~${key.suffix}`];
}

/**
 * The literal prefixes a matching request's path starts with: `Path` and `PathPrefix` give their argument (an
 * exact path starts with itself); a negation or any other matcher says nothing.
 */
function pathsOf(node: RuleNode): string[] | null {
  return restriction(node, pathOfMatcher);
}

function pathOfMatcher(matcher: MatcherNode): string[] | null {
  return matcher.negated || (matcher.name !== 'Path' && matcher.name !== 'PathPrefix') ? null : [matcher.args[0].value];
}
