import path from 'node:path';

/** Relative paths in provider options resolve against the static file's folder, else the working directory. */
export function staticBaseDir(file: string | undefined, cwd: string): string {
  return file ? path.dirname(path.resolve(cwd, file)) : cwd;
}
