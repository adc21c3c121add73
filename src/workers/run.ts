import type { StaticConfig } from '../config/static-types.js';
import type { Logger } from '../log.js';
import { removePidFile, writePidFile } from '../upgrade/pid-file.js';
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

/** Runs the control process until SIGTERM/SIGINT, then drains every worker; resolves to the exit code. */
export async function runWorkerMode(options: WorkerModeOptions): Promise<number> {
  const { config, log } = options;
  let primary;
  try {
    primary = await startPrimary(options);
  } catch (error) {
    console.error(`switchyard: cannot start: ${(error as Error).message}`);
    return 1;
  }
  if (options.pidFile) await writePidFile(options.pidFile, process.pid);
  const eps = Object.keys(config.entryPoints).map((name) => `${name}=${config.entryPoints[name]!.address}`);
  console.log(`${options.banner} listening: ${eps.join(' ')} (workers: ${config.workers})`);
  // logrotate's SIGUSR1 reaches this process only: every worker reopens its own access log file.
  const reopen = () => {
    primary.gateway.reopenLogs();
    for (const pid of primary.workers()) process.kill(pid, 'SIGUSR1');
  };
  process.on('SIGUSR1', reopen);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.off('SIGUSR1', reopen);
  log.info({ signal }, 'shutting down; draining the workers');
  await primary.shutdown();
  if (options.pidFile) await removePidFile(options.pidFile, process.pid);
  return 0;
}
