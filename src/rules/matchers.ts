import { BlockList } from 'node:net';
import { inIpRanges, parseIpRange } from '../ip-ranges.js';
import { hostExpression, hostMatches } from './host.js';
import type { Matcher, MatchRequest } from './match-request.js';
import { queryValues } from './query.js';
import { compileRe2 } from './re2.js';
import { linearTester, mayBacktrackExponentially, type PatternTester } from './linear-regexp.js';

/** A matcher argument that is wrong; `arg` is the 0-based argument it is about. */
export class ArgumentError extends Error {
  readonly arg: number;

  constructor(message: string, arg: number) {
    super(message);
    this.arg = arg;
  }
}

/** How a matcher is checked and built: accepted argument counts and a builder from its arguments. */
export interface MatcherDefinition {
  arity: readonly number[];
  build(args: string[]): Matcher;
}

const regexp = (matcher: string, pattern: string, arg: number): PatternTester => {
  let compiled: RegExp;
  try {
    compiled = compileRe2(pattern);
  } catch (err) {
    throw new ArgumentError(`invalid regexp ${JSON.stringify(pattern)} for ${matcher} matcher: ${(err as Error).message}`, arg);
  }
  // Clients choose the input: a pattern that can backtrack exponentially must not run on V8's engine (ReDoS).
  return mayBacktrackExponentially(pattern) ? linearTester(pattern) : compiled;
};

const requirePath = (matcher: string, path: string): string => {
  if (!path.startsWith('/')) throw new ArgumentError(`path ${JSON.stringify(path)} for ${matcher} matcher does not start with a "/"`, 0);
  return path;
};

/** Every value of a header; Go drops Host and never shows HTTP/2 pseudo-headers in the header map, so neither matches. */
const headerValues = (req: MatchRequest, key: string): readonly string[] => {
  if (key === 'host' || key.startsWith(':')) return [];
  const v = req.headers[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

const queryMatcher = (args: string[]): Matcher => {
  const [key, value = ''] = args;
  return (req) => queryValues(req, req.query).get(key)?.includes(value) ?? false;
};

const clientIp = (arg: string): Matcher => {
  const range = parseIpRange(arg);
  if (!range) throw new ArgumentError(`invalid value ${JSON.stringify(arg)} for ClientIP matcher: not an IP address or CIDR range`, 0);
  const list = new BlockList();
  list.addSubnet(range.address, range.bits, range.family);
  return (req) => inIpRanges(list, req.clientIp);
};

/** The HTTP matchers of Traefik v3, by name. */
export const MATCHERS: Readonly<Record<string, MatcherDefinition>> = {
  Host: {
    arity: [1],
    build: ([arg]) => {
      let host: string;
      try {
        host = hostExpression(arg);
      } catch (err) {
        throw new ArgumentError((err as Error).message, 0);
      }
      return host === '*' ? () => true : (req) => hostMatches(host, req.host);
    },
  },
  HostRegexp: {
    arity: [1],
    build: ([arg]) => {
      if (!/^[\x00-\x7f]*$/.test(arg)) {
        throw new ArgumentError(`invalid value ${JSON.stringify(arg)} for HostRegexp matcher, non-ASCII characters are not allowed`, 0);
      }
      const re = regexp('HostRegexp', arg, 0);
      return (req) => re.test(req.host);
    },
  },
  Path: {
    arity: [1],
    build: ([arg]) => {
      const path = requirePath('Path', arg);
      return (req) => req.path === path;
    },
  },
  PathPrefix: {
    arity: [1],
    build: ([arg]) => {
      const prefix = requirePath('PathPrefix', arg);
      return (req) => req.path.startsWith(prefix);
    },
  },
  PathRegexp: {
    arity: [1],
    build: ([arg]) => {
      const re = regexp('PathRegexp', arg, 0);
      return (req) => re.test(req.path);
    },
  },
  Method: {
    arity: [1],
    build: ([arg]) => {
      const method = arg.toUpperCase();
      return (req) => req.method === method;
    },
  },
  Header: {
    arity: [2],
    build: ([key, value]) => {
      const name = key.toLowerCase();
      return (req) => headerValues(req, name).includes(value);
    },
  },
  HeaderRegexp: {
    arity: [2],
    build: ([key, pattern]) => {
      const name = key.toLowerCase();
      const re = regexp('HeaderRegexp', pattern, 1);
      return (req) => headerValues(req, name).some((v) => re.test(v));
    },
  },
  Query: { arity: [1, 2], build: queryMatcher },
  QueryRegexp: {
    arity: [1, 2],
    build: (args) => {
      // With one argument QueryRegexp is Query(key), as in Traefik.
      if (args.length === 1) return queryMatcher(args);
      const re = regexp('QueryRegexp', args[1], 1);
      return (req) => queryValues(req, req.query).get(args[0])?.some((v) => re.test(v)) ?? false;
    },
  },
  ClientIP: { arity: [1], build: ([arg]) => clientIp(arg) },
};

/** Each accepted spelling of a matcher name (exact, lower, UPPER, Title-of-lower, as Traefik) mapped to the name. */
export const MATCHER_NAMES: ReadonlyMap<string, string> = new Map(
  Object.keys(MATCHERS).flatMap((name) => {
    const lower = name.toLowerCase();
    return [name, lower, name.toUpperCase(), lower[0].toUpperCase() + lower.slice(1)].map((s) => [s, name] as const);
  }),
);
