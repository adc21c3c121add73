import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, readPidFile } from '../../src/upgrade/pid-file.js';
import { startBackend } from './backends.js';
import { prepareCliFolder, spawnGateway, waitForStatus, type GatewayProcess } from './spawn-gateway.js';
import { until } from './until.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));

/** Runs `switchyard upgrade --pidFile=FILE --timeout=S` in `cwd` and resolves with its exit code and output. */
export function runUpgradeCommand(cwd: string, pidFile: string, timeoutSeconds = 60): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'upgrade', `--pidFile=${pidFile}`, `--timeout=${timeoutSeconds}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The direct children of a process (a control process's workers). */
export async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** A gateway started through the real command with a pid file, serving `app` from a backend on every path of `web`. */
export interface UpgradableGateway {
  dir: string;
  web: number;
  internal: number;
  pidFile: string;
  staticFile: string;
  gw: GatewayProcess;
  /** Every process seen (generations and their workers): killed at teardown when still alive. */
  pids: Set<number>;
  /** The pid the pid file names now. */
  current(): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Starts `switchyard --configFile=switchyard.yaml --pidFile=...` in a fresh folder (a 5 s grace on `web`,
 * WARN logs, `workers` when given) and waits until the pid file names it and it serves.
 */
export async function startUpgradableGateway(prefix: string, options: { workers?: number } = {}): Promise<UpgradableGateway> {
  const backend = await startBackend((_req, res) => res.end('app'));
  const { dir, web, internal } = await prepareCliFolder(prefix, {
    dynamic: { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } },
    web: { transport: { lifeCycle: { graceTimeOut: '5s' } } },
    staticConfig: { log: { level: 'WARN' }, ...(options.workers && { workers: options.workers }) },
  });
  const pidFile = path.join(dir, 'switchyard.pid');
  const gw = spawnGateway(['--configFile=switchyard.yaml', `--pidFile=${pidFile}`], dir);
  const pids = new Set<number>();
  const close = async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The pid file first: on a machine full of tests, a port just handed out may still answer for another process.
    await until('the pid file names the gateway', async () => (await readPidFile(pidFile)) === gw.child.pid, 120_000, { detail: gw.output });
    await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200, 120_000);
    await waitForStatus(`http://127.0.0.1:${web}/`, 200, 120_000);
  } catch (error) {
    await close();
    throw error;
  }
  pids.add(gw.child.pid!);
  return { dir, web, internal, pidFile, staticFile: path.join(dir, 'switchyard.yaml'), gw, pids, current: () => readPidFile(pidFile), close };
}
