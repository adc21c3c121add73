import type { Server } from 'node:net';
import type { Logger } from '../log.js';
import { handOver } from './hand-over.js';
import { writeUpgradeFailure } from './pid-file.js';

/** Listens for SIGUSR2 and upgrades: see {@link handOver}. */
export interface UpgradeTrigger {
  /** Resolves with the new process's pid once it serves the sockets; this process must then drain and exit. */
  handedOver: Promise<number>;
  /** Removes the signal handler. */
  stop(): void;
}

/**
 * Installs the SIGUSR2 handler (nginx and HAProxy use USR2 for binary upgrades). One upgrade runs at a
 * time; a failed one is logged (and recorded next to `pidFile`) and this process keeps serving, ready for the next signal.
 */
export function onUpgradeSignal(listeners: () => Map<string, Server | object>, log: Logger, options: { pidFile?: string } = {}): UpgradeTrigger {
  let running = false;
  let resolveHandedOver!: (pid: number) => void;
  const handedOver = new Promise<number>((resolve) => (resolveHandedOver = resolve));
  const upgrade = (): void => {
    if (running) return void log.warn('upgrade: already in progress; signal ignored');
    running = true;
    log.info('upgrade: starting a new process');
    handOver({ listeners: listeners(), log }).then(
      (pid) => {
        // The handler stays (running stays true): another SIGUSR2 while draining is ignored instead of killing us.
        log.info({ pid }, 'upgrade: the new process serves; draining this one');
        resolveHandedOver(pid);
      },
      (error: Error) => {
        running = false;
        log.error({ err: error }, 'upgrade failed; this process keeps serving');
        // `switchyard upgrade` reads it next to the pid file and reports at once instead of waiting out its timeout.
        if (options.pidFile) {
          writeUpgradeFailure(options.pidFile, { pid: process.pid, at: Date.now(), message: error.message }).catch((err: Error) =>
            log.warn({ err }, 'upgrade: could not record the failure next to the pid file'),
          );
        }
      },
    );
  };
  process.on('SIGUSR2', upgrade);
  return { handedOver, stop: () => process.off('SIGUSR2', upgrade) };
}
