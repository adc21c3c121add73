const SIMPLE: Record<string, string> = { a: '\\x07', f: '\\f', t: '\\t', n: '\\n', r: '\\r', v: '\\v' };

/**
 * Translates the RE2 escape starting with the backslash at `pos` (outside or inside a character
 * class) into JavaScript `u`-mode syntax; returns it with the index just past the escape.
 */
export function translateEscape(p: string, pos: number, inClass: boolean): { out: string; end: number } {
  const e = p[pos + 1];
  if (e === undefined) throw new Error('trailing backslash at end of expression');
  const take = (n: number, out: string) => ({ out, end: pos + n });
  if ('dDwWbB'.includes(e)) {
    if (inClass && (e === 'b' || e === 'B')) throw new Error(`invalid escape sequence: \\${e}`);
    return take(2, '\\' + e);
  }
  // RE2's \s is ASCII only and has no \v; JS's also takes Unicode spaces.
  if (e === 's') return take(2, inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]');
  if (e === 'S') return take(2, inClass ? '\\S' : '[^\\t\\n\\f\\r ]');
  if (!inClass && e === 'A') return take(2, '^');
  if (!inClass && e === 'z') return take(2, '$');
  if (e in SIMPLE) return take(2, SIMPLE[e]);
  const rest = p.slice(pos);
  if (e === 'Q') {
    const close = p.indexOf('\\E', pos + 2);
    const text = p.slice(pos + 2, close < 0 ? p.length : close);
    return { out: [...text].map(literal).join(''), end: close < 0 ? p.length : close + 2 };
  }
  if (e === 'x') {
    const m = /^\\x(?:\{([0-9a-fA-F]{1,8})\}|([0-9a-fA-F]{2}))/.exec(rest);
    const n = m ? parseInt(m[1] ?? m[2], 16) : NaN;
    if (!m || n > 0x10ffff) throw new Error(`invalid escape sequence: ${rest.slice(0, 4)}`);
    return take(m[0].length, `\\u{${n.toString(16)}}`);
  }
  if (e >= '0' && e <= '7') {
    const m = /^\\([0-7]{1,3})/.exec(rest)!;
    // A lone non-zero digit would be a backreference, which RE2 does not support.
    if (e !== '0' && m[1].length === 1) throw new Error(`invalid escape sequence: \\${e} (backreferences are not supported)`);
    return take(m[0].length, `\\u{${parseInt(m[1], 8).toString(16)}}`);
  }
  if (e === 'p' || e === 'P') {
    const m = /^\\[pP](?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(rest);
    if (!m) throw new Error(`invalid character class range: ${rest.slice(0, 4)}`);
    const negate = (e === 'P') !== (m[1] === '^');
    const name = m[2] ?? m[3];
    // RE2 names scripts bare (\p{Greek}); JS needs Script= for anything but a general category.
    const prop = name === 'Any' || /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
    return take(m[0].length, `\\${negate ? 'P' : 'p'}{${prop}}`);
  }
  const cp = p.codePointAt(pos + 1)!;
  if (cp < 0x80 && !/[0-9A-Za-z]/.test(e)) return take(2, literal(e));
  throw new Error(`invalid escape sequence: \\${String.fromCodePoint(cp)}`);
}

/** A character as a literal in JS `u` mode, in or out of a class. */
function literal(ch: string): string {
  // `\xHH` is valid in and out of classes under the `u` flag, where most identity escapes are not.
  const code = ch.codePointAt(0)!;
  return code < 0x80 && !/[0-9A-Za-z ]/.test(ch) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}
