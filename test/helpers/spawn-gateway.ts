import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));

/** A gateway process started through the real `switchyard` command. */
export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `node bin/switchyard.js ...args` in `cwd`, collecting its output. */
export function spawnGateway(args: string[], cwd: string): GatewayProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** What a folder for the real command holds besides its two entry points, ping and the file provider. */
export interface CliFolderOptions {
  /** Written to dyn/app.yaml. */
  dynamic: unknown;
  /** More keys of the `web` entry point (its address is set here). */
  web?: Record<string, unknown>;
  /** More keys of the file provider (its directory is dyn/). */
  file?: Record<string, unknown>;
  /** More top-level keys of the static configuration. */
  staticConfig?: Record<string, unknown>;
}

/**
 * Makes a fresh folder for `switchyard --configFile=switchyard.yaml`: a `web` entry point and the internal
 * one on free ports, ping, and the file provider (no throttle) reading dyn/, which holds `dynamic`.
 */
export async function prepareCliFolder(prefix: string, options: CliFolderOptions): Promise<{ dir: string; web: number; internal: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `switchyard-${prefix}-`));
  const [web, internal] = [await freePort(), await freePort()];
  await mkdir(path.join(dir, 'dyn'));
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    stringify({
      entryPoints: { web: { address: `127.0.0.1:${web}`, ...options.web }, switchyard: { address: `127.0.0.1:${internal}` } },
      ping: {},
      providers: { providersThrottleDuration: 0, file: { directory: 'dyn', ...options.file } },
      ...options.staticConfig,
    }),
  );
  await writeFile(path.join(dir, 'dyn', 'app.yaml'), stringify(options.dynamic));
  return { dir, web, internal };
}

/** Polls `url` until it answers `status` or the deadline passes (generous: a cold start on a loaded 2-core machine takes seconds). */
export async function waitForStatus(url: string, status: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.text();
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
