import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Where scripts/components.sh unpacks Debian's kubernetes-client when no kubectl is on PATH (installing the
// package conflicts with the image's kubectl, so it is extracted into the user's cache instead).
function extractedKubectl(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'switchyard', 'kubectl', 'usr', 'bin', 'kubectl');
}

/** The kubectl binary to drive the fake with: `$KUBECTL` if set, else the one on PATH, else the one components.sh unpacked. */
export function kubectlPath(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  try {
    const found = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // not on PATH
  }
  const extracted = extractedKubectl();
  if (existsSync(extracted)) return extracted;
  throw new Error(`kubectl is neither on PATH nor in ${extracted} (scripts/components.sh unpacks it there)`);
}
