import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One `users` entry, split into its fields, with where it came from for error messages. */
export interface UserLine {
  fields: string[];
  /** `users[2]` or `usersFile "x" line 3`. */
  source: string;
}

/**
 * Reads the `usersFile` (resolved against the working directory, as Traefik does) and appends the
 * inline `users`; blank lines and `#` comments in the file are skipped. Each line is split on `:`
 * and must have exactly `arity` fields. Throws naming the file or entry.
 */
export function loadUserLines(users: string[] | undefined, usersFile: string | undefined, arity: number, shape: string): UserLine[] {
  const lines: Array<{ text: string; source: string }> = [];
  if (usersFile) {
    let text: string;
    try {
      text = readFileSync(path.resolve(usersFile), 'utf8');
    } catch (error) {
      throw new Error(`usersFile: cannot read "${usersFile}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line && !line.startsWith('#')) lines.push({ text: line, source: `usersFile "${usersFile}" line ${i + 1}` });
    });
  }
  (users ?? []).forEach((text, i) => lines.push({ text: text.trim(), source: `users[${i}]` }));
  return lines.map(({ text, source }) => {
    const fields = text.split(':');
    // Never echo the line: it holds a password hash.
    if (fields.length !== arity || fields.some((f) => f === '')) throw new Error(`${source}: expected "${shape}"`);
    return { fields, source };
  });
}
