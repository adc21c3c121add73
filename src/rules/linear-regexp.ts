import { loadRe2 } from '../lazy-modules.js';
import { classEnd } from './re2-class-end.js';

/** What a matcher needs of a compiled pattern. */
export interface PatternTester {
  test(input: string): boolean;
}

/**
 * True when a Go pattern has a repeated group that itself repeats or alternates (`(a+)+`, `(a|aa)*`,
 * `(x{1,9})+`): the shapes that make a backtracking engine such as V8's take exponential time on a
 * crafted input. Escapes and character classes are skipped; anything else is read literally.
 */
export function mayBacktrackExponentially(pattern: string): boolean {
  // Per open group: whether it contains a repeat or an alternation so far.
  const groups: boolean[] = [false];
  let lastGroupRisky = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const repeat = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (repeat) {
      // `?` right after a repeat makes it lazy, and after `(` starts a flag group; neither is a repeat.
      const prev = pattern[i - 1];
      if (c === '?' && (prev === '(' || prev === '*' || prev === '+' || prev === '?' || prev === '}')) continue;
      if (lastGroupRisky) return true;
      groups[groups.length - 1] = true;
      if (c === '{') i = pattern.indexOf('}', i);
      lastGroupRisky = false;
      continue;
    }
    lastGroupRisky = false;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      i = classEnd(pattern, i);
      continue;
    }
    if (c === '|') groups[groups.length - 1] = true;
    else if (c === '(') groups.push(false);
    else if (c === ')' && groups.length > 1) {
      const inner = groups.pop()!;
      lastGroupRisky = inner;
      if (inner) groups[groups.length - 1] = true;
    }
  }
  return false;
}

/**
 * Runs a pattern that could backtrack exponentially on RE2 (compiled to WebAssembly): linear time
 * whatever the input, and Go's own syntax, as Traefik. Slower per match than V8 (microseconds, not
 * nanoseconds), so only patterns of those shapes get it.
 */
export function linearTester(pattern: string): PatternTester {
  const re = new (loadRe2().RE2)(pattern, 'u');
  return { test: (input) => re.test(input) };
}
