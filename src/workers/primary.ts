import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:net';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { StaticConfig } from '../config/static-types.js';
import { startGateway, type Gateway } from '../gateway.js';
import type { Logger } from '../log.js';
import type { MetricsHook } from '../observability/index.js';
import type { AppliedConfiguration } from '../provider/watcher.js';
import { servedEntryPoints } from '../gateway-entry-points.js';
import type { TakeOver } from '../upgrade/adopt.js';
import { bindPublicHandles, closeHandles, isRawHandle, type ListeningHandle } from './listeners.js';
import { createAcmeRelay, type AcmeRelay, type RelayWorker } from './primary-acme.js';
import { isMessage, type AppliedMessage, type MetricsResponse, type ToWorker } from './protocol.js';
import { dataPlaneExecArgv } from './node-flags.js';

/** What the control process needs. */
export interface PrimaryOptions {
  config: StaticConfig;
  baseDir: string;
  log: Logger;
  /** Started by an upgrade: the public sockets and the internal one come from the old control process. */
  takeOver?: TakeOver;
}

/** The running control process of worker mode. */
export interface Primary {
  gateway: Gateway;
  /** Pids of the live workers. */
  workers(): number[];
  /** True once every worker applied a configuration and accepts on the public sockets. */
  serving(): boolean;
  /** Every listening socket by entry point name (public handles and the internal server), for an upgrade to hand over. */
  listeners(): Map<string, Server | ListeningHandle>;
  /** Drains every worker and the control process's own gateway; resolves once all workers exited. */
  shutdown(options?: { handedOver?: boolean }): Promise<void>;
}

interface Slot {
  worker: Worker;
  hello: boolean;
  applied: number;
  startedAt: number;
  /** Asked for the public sockets before they could be sent (during an upgrade, before the take-over). */
  waiting: boolean;
  listening: boolean;
}

type MetricJson = MetricObjectWithValues<MetricValue<string>>;
// A worker dying this soon after its start is re-forked after a pause, so a crash loop does not spin.
const QUICK_DEATH_MS = 5_000;
const METRICS_TIMEOUT_MS = 5_000;

/**
 * Starts worker mode's control process: providers, validation, ACME and the internal entry point run
 * here; `config.workers` forked data-plane processes share the public listening sockets (the kernel
 * spreads accepts: SCHED_NONE) and get every applied configuration over IPC.
 */
export async function startPrimary(options: PrimaryOptions): Promise<Primary> {
  const { config, log } = options;
  const slots = new Map<number, Slot>();
  let latest: AppliedConfiguration | undefined;
  let stopping = false;
  let metricsId = 0;
  // ACME runs here only (one account, one order per domain, one writer of the storage); the relay feeds the workers.
  let acmeRelay: AcmeRelay | undefined;
  const metricsWaiters = new Map<number, { pending: Set<number>; results: MetricJson[][]; done: () => void }>();
  // The public sockets (see bindPublicHandles); during an upgrade they arrive only once the workers applied a configuration.
  let handles = options.takeOver ? undefined : await bindPublicHandles(config);
  // Handles go out only once ACME's relay has greeted the workers, so no handshake is served before its certificates.
  let started = false;
  let gentle = false;

  // Must be set before the first fork: round-robin would funnel every connection through this process.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // Structured clone keeps configurations exactly as applied (JSON would turn undefined and -0 around).
  // Data planes get the young-generation cap (node-flags.ts) unless the operator chose a size.
  cluster.setupPrimary({ serialization: 'advanced', execArgv: dataPlaneExecArgv(process.execArgv, process.env.NODE_OPTIONS) });

  const send = (slot: Slot, message: ToWorker) => {
    if (slot.worker.isConnected()) slot.worker.send(message);
  };
  // Before an upgrade's take-over the old generation accepts: a worker with its configuration applied is all that is needed.
  const everyWorkerServes = () => slots.size >= config.workers && [...slots.values()].every((s) => s.applied > 0 && (s.listening || !handles));
  const sendListeners = (slot: Slot) => {
    if (!handles || !started || !slot.worker.isConnected()) return void (slot.waiting = true);
    slot.waiting = false;
    for (const [name, handle] of handles) slot.worker.send({ type: 'switchyard:listener', name } satisfies ToWorker, handle as Server);
    send(slot, { type: 'switchyard:listeners-sent' });
  };
  const relayWorker = (slot: Slot): RelayWorker => ({ id: slot.worker.id, send: (message) => send(slot, message) });
  const fork = () => {
    const worker = cluster.fork();
    const slot: Slot = { worker, hello: false, applied: 0, startedAt: Date.now(), waiting: false, listening: false };
    slots.set(worker.id, slot);
    worker.on('message', (message: unknown) => {
      if (acmeRelay?.handle(relayWorker(slot), message)) return;
      if (isMessage(message, 'switchyard:hello')) {
        slot.hello = true;
        if (stopping) return send(slot, { type: 'switchyard:shutdown', ...(gentle && { handedOver: true }) });
        // Certificates first: the worker's first table then never serves a handshake without them.
        acmeRelay?.greet(relayWorker(slot));
        if (latest) send(slot, { type: 'switchyard:configuration', applied: latest });
      } else if (isMessage(message, 'switchyard:want-listeners')) {
        sendListeners(slot);
      } else if (isMessage(message, 'switchyard:listening')) {
        slot.listening = true;
      } else if (isMessage<AppliedMessage>(message, 'switchyard:applied')) {
        slot.applied = Math.max(slot.applied, message.version);
      } else if (isMessage<MetricsResponse>(message, 'switchyard:metrics-response')) {
        const waiter = metricsWaiters.get(message.id);
        if (!waiter || !waiter.pending.delete(worker.id)) return;
        waiter.results.push(message.metrics as MetricJson[]);
        if (waiter.pending.size === 0) waiter.done();
      }
    });
    worker.on('exit', (code, signal) => {
      slots.delete(worker.id);
      acmeRelay?.gone(worker.id);
      for (const waiter of metricsWaiters.values()) if (waiter.pending.delete(worker.id) && waiter.pending.size === 0) waiter.done();
      if (stopping) return;
      log.warn({ worker: worker.process.pid, code, signal }, 'worker exited; starting another');
      const quick = Date.now() - slot.startedAt < QUICK_DEATH_MS;
      setTimeout(() => stopping || fork(), quick ? 1_000 : 0).unref();
    });
  };

  const scrapeWorkers = async (): Promise<MetricJson[][]> => {
    const id = ++metricsId;
    const pending = new Set([...slots.values()].filter((s) => s.hello && s.worker.isConnected()).map((s) => s.worker.id));
    const results: MetricJson[][] = [];
    if (pending.size === 0) return results;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, METRICS_TIMEOUT_MS);
      metricsWaiters.set(id, { pending, results, done: () => (clearTimeout(timer), resolve()) });
      for (const workerId of pending) {
        const slot = slots.get(workerId);
        if (slot) send(slot, { type: 'switchyard:metrics', id });
      }
    });
    metricsWaiters.delete(id);
    return results;
  };
  const metricsHook: MetricsHook = () => async () => {
    const registry = AggregatorRegistry.aggregate((await scrapeWorkers()).map((metrics) => metrics.map(aggregation)));
    return { contentType: registry.contentType, body: await registry.metrics() };
  };

  // A public socket received from the old control process is kept as a raw handle (not accepted on here).
  const takeOver: TakeOver | undefined =
    options.takeOver &&
    (async (adopt) => {
      const publicNames = servedEntryPoints(config).map((ep) => ep.name);
      const received = new Map<string, ListeningHandle>();
      const names = await options.takeOver!((name, handle) => {
        if (!publicNames.includes(name)) return adopt(name, handle);
        // A single process hands over accepting servers: this process would accept on them and answer nobody, so
        // close this copy at once (before the event loop polls it; the old process's socket stays open) and fail.
        if (!isRawHandle(handle)) {
          handle.close();
          throw new Error('the running gateway is a single process: switching to worker mode needs a restart');
        }
        received.set(name, handle);
      });
      // Entry points new in this static configuration bind their address as usual.
      const added = await bindPublicHandles(config, publicNames.filter((name) => !received.has(name)));
      handles = new Map([...received, ...added]);
      return names;
    });
  // During an upgrade the workers must apply a configuration before the take-over (readiness), so they start first.
  if (takeOver) for (let i = 0; i < config.workers; i++) fork();
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      config,
      baseDir: options.baseDir,
      log,
      role: 'control',
      metricsHook,
      readyGate: everyWorkerServes,
      // The relay exists before the first configuration can start an order: its challenges then wait for the workers.
      onAcme(acme) {
        const workers = () => [...slots.values()].filter((s) => s.hello && s.worker.isConnected()).map(relayWorker);
        acmeRelay = createAcmeRelay(acme, { workers, serving: everyWorkerServes, log });
        // Workers started before the relay (an upgrade) get the certificates it holds now.
        for (const slot of slots.values()) if (slot.hello) acmeRelay.greet(relayWorker(slot));
      },
      onApplied(applied) {
        latest = applied;
        for (const slot of slots.values()) if (slot.hello) send(slot, { type: 'switchyard:configuration', applied });
      },
      ...(takeOver && { takeOver }),
    });
  } catch (error) {
    stopping = true;
    acmeRelay?.close();
    for (const slot of slots.values()) slot.worker.process.kill('SIGKILL');
    if (handles) closeHandles(handles);
    throw error;
  }
  started = true;
  for (const slot of slots.values()) if (slot.waiting) sendListeners(slot);
  if (!takeOver) for (let i = 0; i < config.workers; i++) fork();
  log.info({ workers: config.workers }, 'worker mode: control process started');

  return {
    gateway,
    workers: () => [...slots.values()].map((s) => s.worker.process.pid!).filter((pid) => pid !== undefined),
    serving: everyWorkerServes,
    listeners: () => new Map<string, Server | ListeningHandle>([...(handles ?? []), ...gateway.listeners()]),
    async shutdown(shutdownOptions = {}) {
      stopping = true;
      acmeRelay?.close();
      const live = [...slots.values()];
      const exited = Promise.all(live.map((s) => (s.worker.isDead() ? undefined : new Promise((r) => s.worker.once('exit', r)))));
      const handedOver = (gentle = shutdownOptions.handedOver === true);
      for (const slot of live) if (slot.hello) send(slot, { type: 'switchyard:shutdown', ...(handedOver && { handedOver }) });
      // A worker that never answered (stuck, or still starting) is killed once every drain deadline has passed.
      const served = servedEntryPoints(config).map((ep) => ep.transport.lifeCycle);
      const limit = Math.max(0, ...served.map((l) => l.requestAcceptGraceTimeout + l.graceTimeOut)) + 10_000;
      const killer = setTimeout(() => live.forEach((s) => s.worker.isDead() || s.worker.process.kill('SIGKILL')), limit);
      await Promise.all([gateway.shutdown(shutdownOptions), exited]);
      clearTimeout(killer);
      if (handles) closeHandles(handles);
    },
  };
}

// Values that are the same in every worker are not summed: a reload count or a timestamp taken N times is still one.
function aggregation(metric: MetricJson): MetricJson {
  const single = String(metric.type) === 'gauge' ? !metric.name.endsWith('_open_connections') : metric.name.endsWith('_config_reloads_total');
  return single ? { ...metric, aggregator: 'max' } : metric;
}
