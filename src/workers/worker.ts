import type { Server } from 'node:net';
import type { StaticConfig } from '../config/static-types.js';
import { startGateway } from '../gateway.js';
import type { Logger } from '../log.js';
import type { MetricsHook } from '../observability/index.js';
import type { Adopt } from '../upgrade/take-over.js';
import { isMessage, type ListenerMessage, type ShutdownMessage, type ConfigurationMessage, type MetricsRequest, type ToPrimary } from './protocol.js';
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
  let gentle = false;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  // The public sockets come from the control process (see bindPublicHandles): asked for once a configuration is in service.
  let taking: { adopt: Adopt; received: Array<[string, Server]>; done: (names: string[]) => void; fail: (error: Error) => void } | undefined;
  const takeOver = (adopt: Adopt) =>
    new Promise<string[]>((done, fail) => {
      taking = { adopt, received: [], done, fail };
      send({ type: 'switchyard:want-listeners' });
    });
  // Stopped before the sockets came (the control process gone or stopping): end the start instead of waiting forever.
  void stopped.then((reason) => taking?.fail(new Error(`stopped (${reason}) before the listening sockets arrived`)));
  const onMessage = (message: unknown, handle?: unknown) => {
    if (acme.handle(message)) return;
    if (isMessage<ConfigurationMessage>(message, 'switchyard:configuration')) watcher.push(message.applied);
    else if (isMessage<ListenerMessage>(message, 'switchyard:listener') && handle && taking) taking.received.push([message.name, handle as Server]);
    else if (isMessage(message, 'switchyard:listeners-sent') && taking) {
      // All at once, then the gateway's start ends and ACME attaches in the same tick: nothing is accepted before.
      // The handles are raw: listen(handle) accepts on them here directly, without asking cluster to bind.
      for (const [name, server] of taking.received) taking.adopt(name, server);
      taking.done(taking.received.map(([name]) => name));
      taking = undefined;
    } else if (isMessage<ShutdownMessage>(message, 'switchyard:shutdown')) {
      gentle = message.handedOver === true;
      stop('control');
    } else if (isMessage<MetricsRequest>(message, 'switchyard:metrics')) {
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
  // Hello before the gateway starts: it accepts only after its first configuration, which follows hello. The ACME
  // certificates come right after hello too and wait in `acme` until attach, which runs before the first accept.
  send({ type: 'switchyard:hello' });
  let gateway;
  try {
    gateway = await startGateway({ config: options.config, baseDir: options.baseDir, log, role: 'data', createWatcher: watcher.create, metricsHook, internalRouters: acme.routers, takeOver });
    acme.attach(gateway.tls);
  } catch (error) {
    log.error({ err: error }, 'worker: cannot start');
    process.off('message', onMessage);
    if (process.connected) process.disconnect();
    return 1;
  }
  send({ type: 'switchyard:listening' });
  const reopen = () => gateway.reopenLogs();
  process.on('SIGUSR1', reopen);
  const reason = await stopped;
  log.debug({ reason }, 'worker: draining');
  await gateway.shutdown({ handedOver: gentle });
  process.off('SIGUSR1', reopen);
  process.off('message', onMessage);
  if (process.connected) process.disconnect();
  return 0;
}
