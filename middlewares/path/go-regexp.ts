import { compileRe2 } from '../../src/rules/re2.js';

/** A Go RE2 pattern compiled for JavaScript, with its capture-group names by index (Go's `SubexpNames`). */
export interface GoRegexp {
  /** Unanchored, non-global: for `MatchString` / `FindStringSubmatch`. */
  re: RegExp;
  /** The same pattern with the `g` flag, for replacing every match. */
  global: RegExp;
  /** Index 0 is the whole match; unnamed groups have ''. */
  names: string[];
}

/** Compiles a Go RE2 pattern; throws an Error saying why when RE2 (or its translation) refuses it. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const re = compileRe2(pattern);
  return { re, global: new RegExp(re.source, `${re.flags}g`), names: captureNames(pattern) };
}

/** Lists capture groups in order of their opening parenthesis, as RE2 numbers them. */
export function captureNames(pattern: string): string[] {
  const names = [''];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end === -1 ? pattern.length : end + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end !== -1) i = end + 1;
      } else if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member of the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (ch !== '(') continue;
    const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(pattern.slice(i));
    if (named) names.push(named[1] as string);
    else if (pattern[i + 1] !== '?') names.push('');
  }
  return names;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Go's `extract`: the name after `$` (bare or braced), or undefined when the `$` is malformed. */
function extractName(template: string, at: number): { name: string; end: number } | undefined {
  const brace = template[at] === '{';
  let i = brace ? at + 1 : at;
  const start = i;
  while (i < template.length) {
    const cp = template.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return undefined;
  const name = template.slice(start, i);
  if (brace) {
    if (template[i] !== '}') return undefined;
    i++;
  }
  return { name, end: i };
}

/** A decimal group number as Go reads one: digits only, no leading zero, or -1. */
function groupNumber(name: string): number {
  if (!/^\d+$/.test(name) || (name.length > 1 && name.startsWith('0')) || name.length > 8) return -1;
  return Number(name);
}

/**
 * Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`; `$$` is a literal `$`. A bare name
 * takes as many letters, digits and `_` as possible, so `$1x` is the group named `1x` (empty).
 * A group that did not take part, or does not exist, expands to ''.
 */
export function expandGo(template: string, match: RegExpExecArray, names: string[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extractName(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.end;
    const num = groupNumber(ref.name);
    const index = num >= 0 ? num : names.indexOf(ref.name);
    if (index >= 0 && index < match.length) out += match[index] ?? '';
  }
  return out + template.slice(i);
}

/** Go's `ReplaceAllString`: every match replaced by the expanded template; an empty match touching the previous one is skipped. */
export function replaceAllGo(regexp: GoRegexp, input: string, template: string): string {
  const re = regexp.global;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let previousEnd = -1;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '') {
      // Advance past the empty match by one code point, as both engines do.
      const cp = input.codePointAt(end);
      re.lastIndex = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (start === previousEnd) continue;
    }
    out += input.slice(last, start) + expandGo(template, m, regexp.names);
    last = end;
    previousEnd = end;
    if (end > input.length) break;
  }
  return out + input.slice(last);
}
