import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { createDefaulter } from './defaults.js';
import { apiVersionOf } from './resources.js';
import { alreadyExists, conflict, notFound } from './status.js';
import type { KubeObject, ResourceDef } from './types.js';

/** One write, as a watch replays it. `previous` is the object before a MODIFIED (for selector transitions). */
export interface StoredEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  def: ResourceDef;
  object: KubeObject;
  previous?: KubeObject;
}

/** Options of a main-resource or status write. */
export interface WriteOptions {
  /** Write only `.status` (the `/status` subresource). */
  status?: boolean;
  /** Compute the result without storing it (`dryRun=All`). */
  dryRun?: boolean;
}

const clone = <T>(v: T): T => structuredClone(v);
const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

// Everything but metadata and status: a change there bumps metadata.generation, as the apiserver does.
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

// What a no-op update compares: the apiserver skips the write (no new resourceVersion, no event).
function comparable(obj: KubeObject): unknown {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The fake's storage: one global, strictly increasing resourceVersion (an etcd revision) and the write history. */
export class Store {
  rv = 100;
  /** Watches from a resourceVersion below this get 410 Expired. */
  compactedRv = 0;
  readonly history: StoredEvent[] = [];
  private readonly objects = new Map<ResourceDef, Map<string, KubeObject>>();
  private readonly listeners = new Set<(e: StoredEvent) => void>();
  private readonly historyLimit: number;
  private readonly defaults = createDefaulter();

  constructor(historyLimit = 10_000) {
    this.historyLimit = historyLimit;
  }

  private table(def: ResourceDef): Map<string, KubeObject> {
    let t = this.objects.get(def);
    if (!t) this.objects.set(def, (t = new Map()));
    return t;
  }

  /** A copy of one stored object (a namespaced one in `default` when no namespace is given). */
  get(def: ResourceDef, ns: string | undefined, name: string): KubeObject | undefined {
    const obj = this.table(def).get(key(def.namespaced ? (ns ?? 'default') : undefined, name));
    return obj && clone(obj);
  }

  /** Copies of the stored objects of a type, in etcd key order (namespace, then name). */
  list(def: ResourceDef, ns?: string): KubeObject[] {
    return [...this.table(def).entries()]
      .filter(([, o]) => ns === undefined || o.metadata.namespace === ns)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
  }

  /** Calls `fn` for every later write; returns the unsubscribe function. */
  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Forgets all history: watches from any earlier resourceVersion now get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  private normalise(def: ResourceDef, obj: KubeObject): KubeObject {
    const out = clone(obj);
    out.apiVersion = apiVersionOf(def);
    out.kind = def.kind;
    out.metadata = { ...out.metadata };
    if (def.namespaced) out.metadata.namespace = out.metadata.namespace || 'default';
    else delete out.metadata.namespace;
    return out;
  }

  private commit(def: ResourceDef, type: StoredEvent['type'], obj: KubeObject, previous?: KubeObject): KubeObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') this.table(def).delete(k);
    else this.table(def).set(k, obj);
    const event: StoredEvent = { type, rv, def, object: clone(obj), ...(previous ? { previous: clone(previous) } : {}) };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const fn of [...this.listeners]) fn(event);
    return clone(obj);
  }

  /** Creates an object; 409 AlreadyExists when the name is taken. */
  create(def: ResourceDef, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const obj = this.normalise(def, input);
    if (this.table(def).has(key(obj.metadata.namespace, obj.metadata.name))) throw alreadyExists(def, obj.metadata.name);
    Object.assign(obj.metadata, { uid: randomUUID(), creationTimestamp: now(), generation: 1 });
    this.defaults(obj, undefined);
    if (opts.dryRun) return obj;
    return this.commit(def, 'ADDED', obj);
  }

  /** Replaces an object (PUT): 404 when missing, 409 Conflict on a stale resourceVersion, status kept unless `opts.status`. */
  update(def: ResourceDef, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const incoming = this.normalise(def, input);
    const previous = this.table(def).get(key(incoming.metadata.namespace, incoming.metadata.name));
    if (!previous) throw notFound(def, incoming.metadata.name);
    const rv = incoming.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== previous.metadata.resourceVersion) throw conflict(def, incoming.metadata.name);
    let next: KubeObject;
    if (opts.status) {
      next = clone(previous);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else {
      next = incoming;
      if (def.status) {
        if (previous.status === undefined) delete next.status;
        else next.status = clone(previous.status);
      }
      const { uid, creationTimestamp, generation } = previous.metadata;
      Object.assign(next.metadata, { uid, creationTimestamp, generation });
      this.defaults(next, previous);
      if (!isDeepStrictEqual(specOf(next), specOf(previous))) next.metadata.generation = Number(generation ?? 0) + 1;
    }
    if (isDeepStrictEqual(comparable(next), comparable(previous))) return clone(previous);
    if (opts.dryRun) return next;
    return this.commit(def, 'MODIFIED', next, previous);
  }

  /** Creates or replaces (the test hook behind `apply`); on replace the stored status is kept. */
  upsert(def: ResourceDef, input: KubeObject): KubeObject {
    const obj = this.normalise(def, input);
    const exists = this.table(def).has(key(obj.metadata.namespace, obj.metadata.name));
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return exists ? this.update(def, { ...obj, metadata }) : this.create(def, { ...obj, metadata });
  }

  /** Deletes an object; the DELETED event carries the resourceVersion of the deletion. */
  delete(def: ResourceDef, ns: string | undefined, name: string, opts: WriteOptions & { resourceVersion?: string } = {}): KubeObject {
    const previous = this.table(def).get(key(def.namespaced ? (ns ?? 'default') : undefined, name));
    if (!previous) throw notFound(def, name);
    if (opts.resourceVersion && opts.resourceVersion !== previous.metadata.resourceVersion) throw conflict(def, name);
    if (opts.dryRun) return clone(previous);
    return this.commit(def, 'DELETED', clone(previous));
  }
}
