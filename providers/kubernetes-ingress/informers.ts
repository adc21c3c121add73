import type { KubeConfig, KubernetesListObject, KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { Logger } from '../../src/log.js';
import { describe, type KubeModule } from './client.js';
import { sleep, withTimeout } from '../../src/wait.js';

/** One list/watch: a resource path (cluster-wide or one namespace) and the list call that fills it. */
export interface InformerSpec {
  /** What the objects are, for messages (`Ingress`, `Service`, …). */
  kind: string;
  path: string;
  list: () => Promise<KubernetesListObject<KubernetesObject>>;
  labelSelector?: string;
  /** Objects failing this are neither signalled nor listed (Helm release Secrets). */
  keep?: (object: KubernetesObject) => boolean;
  /** The parts of an object that matter; an update leaving them equal is no signal. */
  relevant?: (object: KubernetesObject) => unknown;
}

/** What createInformerSet needs. */
export interface InformerSetOptions {
  k8s: KubeModule;
  kc: KubeConfig;
  specs: InformerSpec[];
  /** Called on every relevant add, update or delete (a "something changed" signal, no payload). */
  onChange(): void;
  /** Called when connectivity changes (an informer stopped, or connected again). */
  onStatus(): void;
  backoff: { initialMs: number; maxMs: number };
  /** A list call that has not answered after this long counts as failed. */
  listTimeoutMs?: number;
  log: Logger;
}

/** The running informers of one provider. */
export interface InformerSet {
  /** Resolves once every informer has completed its first list. */
  synced: Promise<void>;
  start(): void;
  /** The current objects of the given kind from every informer of that kind. */
  objects(kind: string): KubernetesObject[];
  /** One object of the given kind by namespace and name, looked up in the informers' caches (no list built). */
  object(kind: string, namespace: string, name: string): KubernetesObject | undefined;
  connected(): boolean;
  lastError(): string | undefined;
  close(): Promise<void>;
}

interface Runner {
  spec: InformerSpec;
  informer: ListWatch<KubernetesObject>;
  listed: boolean;
  healthy: boolean;
  attempt: number;
  timer?: NodeJS.Timeout;
  seen: Map<string, string>;
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * Creates the informers. client-node 2.x informers stop for good on any error but 410 (which relists),
 * so each one is restarted here with exponential backoff; the restart resumes from the last
 * resourceVersion and keeps the cache, so the last good objects stay known while the API is away.
 * ListWatch is built directly (as makeInformer does) around a guarded Watch, because a ListWatch stopped
 * during a list or a reconnect delay would otherwise open one more watch after close().
 */
export function createInformerSet(options: InformerSetOptions): InformerSet {
  const { k8s, kc, log } = options;
  const closing = new AbortController();
  const watches = new Set<AbortController>();
  let error: string | undefined;
  let resolveSynced!: () => void;
  const synced = new Promise<void>((resolve) => (resolveSynced = resolve));
  const runners: Runner[] = options.specs.map(createRunner);

  function createRunner(spec: InformerSpec): Runner {
    const inner = new k8s.Watch(kc);
    const guarded = {
      async watch(path: string, query: Record<string, string | number | boolean | undefined>, callback: (phase: string, object: unknown, raw: unknown) => void, done: (err: unknown) => void) {
        if (closing.signal.aborted) return new AbortController();
        let finished = false;
        const controller = await inner.watch(path, query, callback, (err: unknown) => {
          finished = true;
          watches.delete(controller);
          if (!closing.signal.aborted) done(err);
        });
        if (closing.signal.aborted) controller.abort();
        else if (!finished) {
          watches.add(controller);
          connectedAgain(runner);
        }
        return controller;
      },
    };
    const list = async () => {
      if (closing.signal.aborted) throw new Error('closed');
      const listTimeoutMs = options.listTimeoutMs ?? 30_000;
      const result = await withTimeout(spec.list(), listTimeoutMs, `list ${spec.path}: no answer in ${listTimeoutMs} ms`);
      connectedAgain(runner);
      if (!runner.listed) {
        runner.listed = true;
        // The informer fills its cache right after this returns; the check runs once it has.
        setImmediate(checkSynced);
      }
      return result;
    };
    const informer = new k8s.ListWatch<KubernetesObject>(spec.path, guarded as unknown as Watch, list, false, spec.labelSelector, undefined, {
      delayFn: (ms: number) => sleep(ms, closing.signal),
    });
    const runner: Runner = { spec, informer, listed: false, healthy: false, attempt: 0, seen: new Map() };
    const changed = (object: KubernetesObject) => {
      if (spec.keep && !spec.keep(object)) return;
      const print = canonical(spec.relevant ? spec.relevant(object) : object);
      if (runner.seen.get(keyOf(object)) === print) return;
      runner.seen.set(keyOf(object), print);
      options.onChange();
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', (object) => {
      if (!runner.seen.delete(keyOf(object))) return;
      options.onChange();
    });
    informer.on('error', (err) => stopped(runner, err));
    return runner;
  }

  function checkSynced(): void {
    if (runners.every((r) => r.listed)) resolveSynced();
  }

  function connectedAgain(runner: Runner): void {
    runner.attempt = 0;
    if (runner.healthy) return;
    runner.healthy = true;
    if (runners.every((r) => r.healthy)) error = undefined;
    options.onStatus();
  }

  function stopped(runner: Runner, err: unknown): void {
    if (closing.signal.aborted) return;
    runner.healthy = false;
    error = `${runner.spec.kind} ${runner.spec.path}: ${describe(err)}`;
    const delay = Math.min(options.backoff.initialMs * 2 ** runner.attempt, options.backoff.maxMs);
    runner.attempt += 1;
    log.warn({ provider: 'kubernetes', retryInMs: delay }, `informer stopped: ${error}; restarting`);
    options.onStatus();
    clearTimeout(runner.timer);
    runner.timer = setTimeout(() => void begin(runner), delay);
  }

  async function begin(runner: Runner): Promise<void> {
    if (closing.signal.aborted) return;
    try {
      await runner.informer.start();
    } catch (err) {
      stopped(runner, err);
    }
  }

  return {
    synced,
    start() {
      for (const runner of runners) void begin(runner);
    },
    objects(kind) {
      const out: KubernetesObject[] = [];
      for (const runner of runners) {
        if (runner.spec.kind !== kind) continue;
        for (const object of runner.informer.list()) if (!runner.spec.keep || runner.spec.keep(object)) out.push(object);
      }
      return out;
    },
    object(kind, namespace, name) {
      for (const runner of runners) {
        if (runner.spec.kind !== kind) continue;
        const object = runner.informer.get(name, namespace);
        if (object && (!runner.spec.keep || runner.spec.keep(object))) return object;
      }
      return undefined;
    },
    connected: () => runners.every((r) => r.healthy),
    lastError: () => error,
    async close() {
      closing.abort();
      for (const runner of runners) {
        clearTimeout(runner.timer);
        await runner.informer.stop();
      }
      for (const controller of watches) controller.abort();
      watches.clear();
    },
  };
}

// Listed objects are class instances with the generated models' key order, watched ones plain JSON in the
// server's order: a fingerprint must not depend on either.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}
