import type { StaticConfig } from '../config/static-types.js';
import type { Logger } from '../log.js';
import { removePidFile, writePidFile } from '../upgrade/pid-file.js';
import { onUpgradeSignal } from '../upgrade/signal.js';
import { reportFailed, reportReady, startedByUpgrade, takeOverListeners } from '../upgrade/take-over.js';
import { startPrimary } from './primary.js';

/** What `switchyard` with `workers` > 1 needs from the command line. */
export interface WorkerModeOptions {
  config: StaticConfig;
  baseDir: string;
  log: Logger;
  pidFile?: string;
  /** `switchyard <version>`, printed with the entry points once started. */
  banner: string;
}

// How long the workers of an upgrade's new generation may take to accept on the sockets they were sent.
const LISTENING_TIMEOUT_MS = 30_000;

/**
 * Runs the control process until SIGTERM/SIGINT, or until SIGUSR2 handed its sockets to a new control
 * process; then drains every worker; resolves to the exit code.
 */
export async function runWorkerMode(options: WorkerModeOptions): Promise<number> {
  const { config, log } = options;
  // Started by an upgrade (SIGUSR2 to the running control process): take its sockets over instead of binding.
  const byUpgrade = startedByUpgrade();
  let primary;
  try {
    primary = await startPrimary({ ...options, ...(byUpgrade && { takeOver: takeOverListeners }) });
    if (byUpgrade) await untilServing(primary.serving);
  } catch (error) {
    console.error(`switchyard: cannot start: ${(error as Error).message}`);
    if (byUpgrade) await reportFailed((error as Error).message);
    if (primary) await primary.shutdown();
    return 1;
  }
  if (options.pidFile) await writePidFile(options.pidFile, process.pid);
  if (byUpgrade) await reportReady();
  const eps = Object.keys(config.entryPoints).map((name) => `${name}=${config.entryPoints[name]!.address}`);
  console.log(`${options.banner} listening: ${eps.join(' ')} (workers: ${config.workers})`);
  // logrotate's SIGUSR1 reaches this process only: every worker reopens its own access log file.
  const reopen = () => {
    primary.gateway.reopenLogs();
    for (const pid of primary.workers()) process.kill(pid, 'SIGUSR1');
  };
  process.on('SIGUSR1', reopen);
  const upgrades = onUpgradeSignal(() => primary.listeners(), log, { ...(options.pidFile && { pidFile: options.pidFile }) });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    void upgrades.handedOver.then(() => resolve('upgrade'));
  });
  process.off('SIGUSR1', reopen);
  if (signal !== 'upgrade') upgrades.stop();
  log.info({ signal }, signal === 'upgrade' ? 'handed over; draining the workers' : 'shutting down; draining the workers');
  await primary.shutdown({ handedOver: signal === 'upgrade' });
  // After an upgrade the file names the new control process and stays.
  if (options.pidFile) await removePidFile(options.pidFile, process.pid);
  return 0;
}

async function untilServing(serving: () => boolean): Promise<void> {
  const deadline = Date.now() + LISTENING_TIMEOUT_MS;
  while (!serving()) {
    if (Date.now() > deadline) throw new Error(`the workers did not accept on the sockets within ${LISTENING_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
