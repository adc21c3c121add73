import { mkdtemp, writeFile, rm, mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway, type Gateway } from '../../src/gateway.js';
import type { Provider } from '../../src/provider/provider.js';
import { silentLogger } from '../../src/log.js';
import { builtinMiddlewares, builtinProviderSchemas } from '../../src/builtins.js';
import type { MiddlewareDefinition } from '../../src/middleware/definition.js';

/** A gateway started from a real static file and a real dynamic directory in a temp folder. */
export interface TestGateway {
  gateway: Gateway;
  dir: string;
  /** `http://127.0.0.1:<port of entry point>` + path. */
  url(pathAndQuery?: string, entryPoint?: string): string;
  port(entryPoint?: string): number;
  /** Writes a dynamic file (object → YAML) and waits until a new routing table is in service. */
  writeDynamic(name: string, content: unknown, opts?: { wait?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Options: extra static keys (merged over the defaults), initial dynamic files, extra providers. */
export interface TestGatewayOptions {
  static?: Record<string, unknown>;
  dynamic?: Record<string, unknown>;
  extraProviders?: Provider[];
  /** Middleware definitions registered on top of the built-in ones (for middlewares not yet built in). */
  middlewares?: MiddlewareDefinition[];
  /** Wait for the first routing table (default true). */
  waitForFirst?: boolean;
}

/** Starts a gateway on 127.0.0.1 port 0 with `web` and the internal entry point, ping on, throttle 0. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-test-'));
  await mkdir(path.join(dir, 'dynamic'));
  for (const [name, content] of Object.entries(options.dynamic ?? {})) {
    await writeFile(path.join(dir, 'dynamic', name), typeof content === 'string' ? content : stringify(content));
  }
  const base = {
    entryPoints: { web: { address: '127.0.0.1:0' }, switchyard: { address: '127.0.0.1:0' } },
    ping: {},
    providers: { providersThrottleDuration: '0s', file: { directory: 'dynamic', watch: true } },
  };
  const merged = deepMerge(base, options.static ?? {});
  await writeFile(path.join(dir, 'switchyard.yaml'), stringify(merged));
  const { config } = await loadStaticConfig({ argv: ['--configFile=switchyard.yaml'], env: {}, cwd: dir, providerSchemas: builtinProviderSchemas() });
  let middlewares;
  if (options.middlewares) {
    middlewares = builtinMiddlewares();
    for (const definition of options.middlewares) {
      if (!middlewares.get(definition.type)) middlewares.register(definition);
    }
  }
  const gateway = await startGateway({ config, baseDir: dir, log: silentLogger, extraProviders: options.extraProviders ?? [], ...(middlewares ? { middlewares } : {}) });
  if (options.waitForFirst !== false) await gateway.waitForVersion(1);
  return {
    gateway,
    dir,
    port: (ep = 'web') => gateway.port(ep),
    url: (p = '/', ep = 'web') => `http://127.0.0.1:${gateway.port(ep)}${p}`,
    async writeDynamic(name, content, opts = {}) {
      const before = gateway.version();
      // Write then rename, as editors and config management do, so no read sees a half-written file.
      const target = path.join(dir, 'dynamic', name);
      await writeFile(`${target}.tmp-${process.pid}`, typeof content === 'string' ? content : stringify(content));
      await rename(`${target}.tmp-${process.pid}`, target);
      if (opts.wait !== false) await gateway.waitForVersion(before + 1);
    },
    async close() {
      await gateway.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
