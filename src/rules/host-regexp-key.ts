import { classEnd } from './re2-class-end.js';

/**
 * What a HostRegexp pattern (Go RE2 syntax, matched against the canonical host) says about the hosts it can
 * match, for the route index (issue 8): a pattern anchored at the end with a literal tail, such as
 * `^[a-z]+\.tenant\.example\.com$`, only matches hosts ending with that tail, so its router need only be tried
 * for them. Anything this reading is unsure of gives null (try the router for every host); a wrong key would
 * lose a route, a missing one only costs time.
 */

/** What the index may file a HostRegexp under: one exact host, or a suffix starting at a dot. */
export type HostRegexpKey = { exact: string } | { suffix: string };

// Characters that stand for themselves outside a class; an escaped non-word character is literal too.
const LITERAL = /[A-Za-z0-9_-]/;
const WORD = /[A-Za-z0-9_]/;

/** The exact host or `.suffix` every host the pattern matches has; null when the pattern does not pin one. */
export function hostRegexpKey(pattern: string): HostRegexpKey | null {
  // \Q…\E quotes metacharacters (a `$` or `|` inside is literal) and (?m) lets `$` match before a newline:
  // both are rare in host patterns, and reading them right is not worth the risk.
  if (pattern.includes('\\Q') || /\(\?[a-zA-Z-]*m/.test(pattern) || hasTopLevelAlternation(pattern)) return null;
  let end: number;
  if (pattern.endsWith('$') && !escaped(pattern, pattern.length - 1)) end = pattern.length - 1;
  else if (pattern.endsWith('\\z') && !escaped(pattern, pattern.length - 2)) end = pattern.length - 2;
  else return null;
  // Back from the anchor while characters are literal: the pattern's last ones are then always these.
  let i = end - 1;
  for (; i >= 0; i--) {
    const c = pattern[i]!;
    if (escaped(pattern, i)) {
      if (WORD.test(c)) break; // \d, \w, \b, \A, ...: not a literal
      i--; // the backslash
      continue;
    }
    if (!LITERAL.test(c)) break;
  }
  // Unescaped, and lower-cased as hosts are before they are matched: a key in another case could only miss.
  const tail = pattern.slice(i + 1, end).replace(/\\(.)/g, '$1').toLowerCase();
  // Literal from `^` to `$`: one host.
  if (i === 0 && pattern[0] === '^') return tail === '' ? null : { exact: tail };
  // A host ending with the tail has, from the tail's first dot on, a suffix that starts at one of its dots.
  const dot = tail.indexOf('.');
  return dot < 0 ? null : { suffix: tail.slice(dot) };
}

/** Whether the character at `at` follows an odd number of backslashes. */
function escaped(pattern: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && pattern[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** Whether a `|` outside any group or class splits the pattern (then the end anchor binds one branch only). */
function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      i = classEnd(pattern, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth <= 0) return true;
  }
  return false;
}
