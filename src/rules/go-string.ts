import { RuleFault } from './rule-error.js';

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Reads a Go interpreted string literal starting at the opening double quote `src[start]`;
 * returns its value and the index just past the closing quote.
 */
export function readGoString(src: string, start: number): { value: string; end: number } {
  // Go strings are byte sequences: \xNN and octal escapes add raw bytes, so the value is built
  // as UTF-8 and decoded once at the end ("\xe2\x82\xac" is "€", as in Go).
  const bytes: number[] = [];
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      const cp = src.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e in HEX_LENGTH) {
      const digits = src.slice(i + 2, i + 2 + HEX_LENGTH[e]);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== HEX_LENGTH[e]) {
        throw new RuleFault(`invalid escape sequence "\\${e}" in string`, i);
      }
      const n = parseInt(digits, 16);
      if (e === 'x') bytes.push(n);
      else if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000)) {
        throw new RuleFault(`escape sequence "\\${e}${digits}" is an invalid Unicode code point`, i);
      } else for (const b of Buffer.from(String.fromCodePoint(n), 'utf8')) bytes.push(b);
      i += 2 + digits.length;
    } else if (e >= '0' && e <= '7') {
      const digits = src.slice(i + 1, i + 4);
      const n = /^[0-7]{3}$/.test(digits) ? parseInt(digits, 8) : 256;
      if (n > 255) throw new RuleFault(`invalid octal escape sequence in string`, i);
      bytes.push(n);
      i += 4;
    } else {
      // Go accepts \' only in rune literals, never in strings.
      throw new RuleFault(`unknown escape sequence "\\${e}" in string`, i);
    }
  }
  throw new RuleFault('string literal not terminated', start);
}
