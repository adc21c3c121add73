import { cp, readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway, type Gateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import { builtinProviderSchemas } from '../../src/builtins.js';
import { startDemoBackend, type DemoBackend } from '../../examples/demo-backend.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** A booted example: its gateway, the demo backends it points at, and its temp copy. */
export interface BootedExample {
  gateway: Gateway;
  backends: DemoBackend[];
  url(p?: string, entryPoint?: string): string;
  close(): Promise<void>;
}

/**
 * Boots examples/<name> as written, except ports: the demo backends listen on free ports that replace
 * 8001/8002 in a temp copy of its dynamic files, and entry points listen on port 0.
 */
export async function bootExample(name: string): Promise<BootedExample> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `switchyard-example-${name}-`));
  await cp(path.join(EXAMPLES, name), dir, { recursive: true });
  const backends = [await startDemoBackend('demo-1'), await startDemoBackend('demo-2')];
  const dynamicDir = path.join(dir, 'dynamic');
  for (const file of await readdir(dynamicDir)) {
    const full = path.join(dynamicDir, file);
    const text = await readFile(full, 'utf8');
    await writeFile(full, text.replaceAll('127.0.0.1:8001', `127.0.0.1:${backends[0]!.port}`).replaceAll('127.0.0.1:8002', `127.0.0.1:${backends[1]!.port}`));
  }
  const { config, file } = await loadStaticConfig({
    argv: ['--configFile=switchyard.yaml', '--entryPoints.web.address=127.0.0.1:0', '--entryPoints.switchyard.address=127.0.0.1:0', '--providers.providersThrottleDuration=0'],
    env: {},
    cwd: dir,
    providerSchemas: builtinProviderSchemas(),
  });
  const gateway = await startGateway({ config, baseDir: path.dirname(path.resolve(dir, file!)), log: silentLogger });
  await gateway.waitForVersion(1);
  return {
    gateway,
    backends,
    url: (p = '/', ep = 'web') => `http://127.0.0.1:${gateway.port(ep)}${p}`,
    async close() {
      await gateway.shutdown();
      await Promise.all(backends.map((b) => b.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `n` requests and counts which demo backend answered each. */
export async function tally(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const response = await fetch(url);
    const server = response.headers.get('x-demo-server') ?? `status ${response.status}`;
    await response.text();
    counts[server] = (counts[server] ?? 0) + 1;
  }
  return counts;
}
