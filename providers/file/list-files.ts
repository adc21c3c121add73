import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isConfigFile } from './parse-file.js';

/** True for names the file provider never reads: dot files and dot folders, including Kubernetes' `..data` machinery. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Lists the configuration files under a directory, recursively, as paths relative to it sorted by path.
 * Symlinks are followed, so a Kubernetes ConfigMap mount is read through its visible file links
 * (the `..data` and timestamped folders are hidden and skipped, which also avoids reading files twice).
 */
export async function listConfigFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>();
  await walk(root, '', found, visited);
  return found.sort(comparePaths);
}

async function walk(root: string, relDir: string, found: string[], visited: Set<string>): Promise<void> {
  const dir = path.join(root, relDir);
  // A symlink loop would otherwise recurse forever.
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  const entries = await readdir(dir);
  for (const name of entries) {
    if (isHiddenName(name)) continue;
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    // stat (not lstat) follows symlinks; a dangling link mid-swap is skipped and the next event re-reads.
    const info = await stat(path.join(root, rel)).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) await walk(root, rel, found, visited);
    else if (info.isFile() && isConfigFile(name)) found.push(rel);
  }
}

// Code-unit order, not locale order, so which duplicate wins is the same on every machine.
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
