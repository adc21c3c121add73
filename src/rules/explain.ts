import type { Matcher, MatchRequest } from './match-request.js';
import { MATCHER_NAMES, MATCHERS } from './matchers.js';
import { parseRule, type RuleNode } from './parser.js';

/** How one sub-expression of a rule fared on a request; `!` is already pushed down to the matchers. */
export interface RuleExplanation {
  /** The sub-expression, written back in the rule grammar. */
  expression: string;
  matched: boolean;
  /** For a matcher: the part of the request it looked at. */
  saw?: string;
  /** For `&&` and `||`: every operand, all evaluated (no short circuit, so each says how it fared). */
  children?: RuleExplanation[];
}

type Explainer = (req: MatchRequest) => RuleExplanation;

/**
 * Builds an explainer for a rule that already compiled. Explaining is rare (the API's route tester),
 * so it parses again rather than making every compiled rule keep its tree.
 */
export function createExplainer(rule: string): Explainer {
  return build(parseRule(rule, MATCHER_NAMES));
}

/** The matchers that decided a non-match (the failing operands of `&&`, all operands of `||`), as "expression: saw" lines. */
export function failedMatchers(explanation: RuleExplanation): string[] {
  if (explanation.matched) return [];
  if (!explanation.children) return [`${explanation.expression} is false (${explanation.saw ?? 'no value'})`];
  return explanation.children.flatMap(failedMatchers);
}

function build(node: RuleNode): Explainer {
  if (node.kind !== 'matcher') {
    const parts = node.children.map(build);
    const and = node.kind === 'and';
    return (req) => {
      const children = parts.map((part) => part(req));
      const matched = and ? children.every((c) => c.matched) : children.some((c) => c.matched);
      const expression = children.map((c) => (c.children ? `(${c.expression})` : c.expression)).join(and ? ' && ' : ' || ');
      return { expression, matched, children };
    };
  }
  const args = node.args.map((a) => a.value);
  const inner: Matcher = MATCHERS[node.name].build(args);
  const expression = `${node.negated ? '!' : ''}${node.name}(${args.map((a) => `\`${a}\``).join(', ')})`;
  const look = observed(node.name, args);
  return (req) => ({ expression, matched: inner(req) !== node.negated, saw: look(req) });
}

/** What a matcher reads from the request, described for a person. */
function observed(name: string, args: string[]): (req: MatchRequest) => string {
  switch (name) {
    case 'Host':
    case 'HostRegexp':
      return (req) => `host ${JSON.stringify(req.host)}`;
    case 'Path':
    case 'PathPrefix':
    case 'PathRegexp':
      return (req) => `path ${JSON.stringify(req.path)}`;
    case 'Method':
      return (req) => `method ${req.method}`;
    case 'Header':
    case 'HeaderRegexp': {
      const key = args[0].toLowerCase();
      return (req) => {
        const v = req.headers[key];
        return v === undefined ? `no ${args[0]} header` : `${args[0]}: ${JSON.stringify(v)}`;
      };
    }
    case 'ClientIP':
      return (req) => (req.clientIp ? `client IP ${req.clientIp}` : 'no client IP');
    default:
      return (req) => `query ${JSON.stringify(req.query)}`;
  }
}
