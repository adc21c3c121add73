/**
 * Where a character class of an RE2 pattern ends: given the index of its `[`, the index of the `]` closing it
 * (or the pattern's length when none does). As in RE2 and POSIX, a `]` right after `[` or `[^` is a member,
 * and a backslash escapes the character after it.
 */
export function classEnd(pattern: string, open: number): number {
  let j = open + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
  return j;
}
