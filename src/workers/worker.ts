import type { StaticConfig } from '../config/static-types.js';
import { startGateway } from '../gateway.js';
import type { Logger } from '../log.js';
import type { MetricsHook } from '../observability/index.js';
import { isMessage, type ConfigurationMessage, type MetricsRequest, type ToPrimary } from './protocol.js';
import { createSnapshotWatcher } from './snapshot-watcher.js';
import { createWorkerAcme } from './worker-acme.js';

/** What a worker process needs: the same static configuration its control process loaded. */
export interface WorkerOptions {
  config: StaticConfig;
  baseDir: string;
  log: Logger;
}

/**
 * Runs one data-plane worker: serves the public entry points with the configurations the control
 * process sends, acknowledges each version, and drains on request (or SIGTERM/SIGINT); resolves to the exit code.
 */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const log = options.log.child({ worker: process.pid });
  const send = (message: ToPrimary) => {
    if (process.connected) process.send?.(message);
  };
  const acme = createWorkerAcme(options.config, send);
  const watcher = createSnapshotWatcher(log, (version) => send({ type: 'switchyard:applied', version }));
  let metricsJson: (() => Promise<unknown[]>) | undefined;
  const metricsHook: MetricsHook = ({ json }) => {
    metricsJson = json;
    return undefined;
  };
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onMessage = (message: unknown) => {
    if (acme.handle(message)) return;
    if (isMessage<ConfigurationMessage>(message, 'switchyard:configuration')) watcher.push(message.applied);
    else if (isMessage(message, 'switchyard:shutdown')) stop('control');
    else if (isMessage<MetricsRequest>(message, 'switchyard:metrics')) {
      void (metricsJson?.() ?? Promise.resolve([])).then(
        (metrics) => send({ type: 'switchyard:metrics-response', id: message.id, metrics }),
        () => send({ type: 'switchyard:metrics-response', id: message.id, metrics: [] }),
      );
    }
  };
  process.on('message', onMessage);
  // A terminal's Ctrl-C or a container stop signals the whole process group: drain like on the control's request.
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // The control process dying leaves nobody to feed or stop this one.
  process.once('disconnect', () => stop('disconnect'));
  let gateway;
  try {
    gateway = await startGateway({ config: options.config, baseDir: options.baseDir, log, role: 'data', createWatcher: watcher.create, metricsHook, internalRouters: acme.routers });
    // Before hello: the control process sends the ACME certificates right after it, ahead of the first configuration.
    acme.attach(gateway.tls);
  } catch (error) {
    log.error({ err: error }, 'worker: cannot start');
    return 1;
  }
  const reopen = () => gateway.reopenLogs();
  process.on('SIGUSR1', reopen);
  send({ type: 'switchyard:hello' });
  const reason = await stopped;
  log.debug({ reason }, 'worker: draining');
  await gateway.shutdown();
  process.off('SIGUSR1', reopen);
  process.off('message', onMessage);
  if (process.connected) process.disconnect();
  return 0;
}
