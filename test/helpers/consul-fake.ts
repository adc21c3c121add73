import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseDuration } from '../../src/duration.js';

// A FAKE of the Consul HTTP API, written for the tests because Consul cannot be installed here
// (see docs/providers.md). It keeps the wire behaviour the providers rely on, from Consul's API docs:
// - one raft index that every write advances; each table (KV, catalog, checks) remembers the index of
//   its last write and sends it as X-Consul-Index (never 0);
// - blocking queries: `?index=N&wait=D` hangs while the table's index is <= N, up to D (default 5m);
// - GET /v1/kv/<prefix>?recurse → [{LockIndex, Key, Flags, Value (base64 or null), CreateIndex, ModifyIndex}],
//   404 with the index header when nothing matches; PUT/DELETE (?recurse) /v1/kv/<key> → `true`;
// - GET /v1/catalog/services → {name: [tags…]}; GET /v1/health/service/<name>[?passing] →
//   [{Node, Service, Checks}]; GET /v1/health/state/any → every check;
// - ACLs: with `token` set, a missing X-Consul-Token is 403 "Permission denied", a wrong one 403 "ACL not found".

/** A service instance registered in the fake catalog. */
export interface FakeInstance {
  id: string;
  name: string;
  address: string;
  port: number;
  tags?: string[];
  meta?: Record<string, string>;
  /** Aggregated check status of the instance. Default `passing`. */
  status?: 'passing' | 'warning' | 'critical';
  node?: string;
  nodeAddress?: string;
}

/** The running fake, driven by the test directly or over HTTP. */
export interface ConsulFake {
  /** `127.0.0.1:<port>`, as the providers' `endpoints` / `endpoint.address` take it. */
  address: string;
  url: string;
  /** Every request seen: method, path with query, and when it was answered. */
  requests: Array<{ method: string; url: string }>;
  putKv(key: string, value: string): void;
  deleteKv(key: string, recurse?: boolean): void;
  register(instance: FakeInstance): void;
  deregister(id: string): void;
  setStatus(id: string, status: 'passing' | 'warning' | 'critical'): void;
  /** Requests currently hanging in a blocking query. */
  blocked(): number;
  close(): Promise<void>;
}

interface KvEntry {
  value: Buffer;
  createIndex: number;
  modifyIndex: number;
}

/** Starts the fake on 127.0.0.1 port 0; `token` turns ACL checking on, `datacenter` defaults to `dc1`, `tls` serves HTTPS (client certificates required when `ca` is given). */
export async function startConsulFake(options: { token?: string; datacenter?: string; tls?: { cert: string; key: string; ca?: string } } = {}): Promise<ConsulFake> {
  const datacenter = options.datacenter ?? 'dc1';
  let raft = 10;
  const tables = { kv: 1, catalog: 1, checks: 1 };
  const kv = new Map<string, KvEntry>();
  const instances = new Map<string, FakeInstance & { createIndex: number; modifyIndex: number }>();
  const waiters = new Set<() => void>();
  const requests: ConsulFake['requests'] = [];
  let blocked = 0;

  const bump = (...names: Array<keyof typeof tables>) => {
    raft += 1;
    for (const name of names) tables[name] = raft;
    for (const wake of [...waiters]) wake();
  };

  function send(res: ServerResponse, status: number, index: number | undefined, body: unknown): void {
    const headers: Record<string, string> = { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' };
    if (index !== undefined) {
      headers['x-consul-index'] = String(Math.max(index, 1));
      headers['x-consul-knownleader'] = 'true';
      headers['x-consul-lastcontact'] = '0';
    }
    res.writeHead(status, headers);
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  // Waits while the table's index has not passed the client's, as a blocking query does.
  async function block(req: IncomingMessage, query: URLSearchParams, index: () => number): Promise<void> {
    const since = Number(query.get('index') ?? '0');
    if (!(since > 0) || index() > since) return;
    const wait = Math.min(query.has('wait') ? parseDuration(query.get('wait')!) : 300_000, 600_000);
    blocked += 1;
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          req.off('close', done);
          resolve();
        };
        const check = () => void (index() > since && done());
        const timer = setTimeout(done, wait);
        waiters.add(check);
        req.on('close', done);
      });
    } finally {
      blocked -= 1;
    }
  }

  function entryOf(instance: FakeInstance & { createIndex: number; modifyIndex: number }) {
    const node = instance.node ?? 'node1';
    const status = instance.status ?? 'passing';
    return {
      Node: { ID: `00000000-0000-0000-0000-${node.padStart(12, '0').slice(-12)}`, Node: node, Address: instance.nodeAddress ?? '127.0.0.1', Datacenter: datacenter, TaggedAddresses: {}, Meta: {}, CreateIndex: instance.createIndex, ModifyIndex: instance.createIndex },
      Service: {
        ID: instance.id, Service: instance.name, Tags: instance.tags ?? [], Address: instance.address, Meta: instance.meta ?? {}, Port: instance.port,
        Weights: { Passing: 1, Warning: 1 }, EnableTagOverride: false, Datacenter: datacenter, CreateIndex: instance.createIndex, ModifyIndex: instance.modifyIndex,
      },
      Checks: [
        { Node: node, CheckID: 'serfHealth', Name: 'Serf Health Status', Status: 'passing', Notes: '', Output: 'Agent alive and reachable', ServiceID: '', ServiceName: '', ServiceTags: [], Type: '' },
        { Node: node, CheckID: `service:${instance.id}`, Name: `Service '${instance.name}' check`, Status: status, Notes: '', Output: '', ServiceID: instance.id, ServiceName: instance.name, ServiceTags: instance.tags ?? [], Type: 'ttl' },
      ],
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://consul');
    const query = url.searchParams;
    requests.push({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}` });
    if (options.token !== undefined) {
      const given = req.headers['x-consul-token'] ?? (query.get('token') || undefined);
      if (given === undefined) return send(res, 403, undefined, 'Permission denied');
      if (given !== options.token) return send(res, 403, undefined, 'ACL not found');
    }
    if (query.has('dc') && query.get('dc') !== datacenter) return send(res, 500, undefined, `No path to datacenter`);
    const path = url.pathname;
    if (path.startsWith('/v1/kv/')) {
      const key = decodeURIComponent(path.slice('/v1/kv/'.length));
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        putKv(key, Buffer.concat(chunks));
        return send(res, 200, undefined, true);
      }
      if (req.method === 'DELETE') {
        deleteKv(key, query.has('recurse'));
        return send(res, 200, undefined, true);
      }
      await block(req, query, () => tables.kv);
      const recurse = query.has('recurse');
      const found = [...kv.entries()].filter(([k]) => (recurse ? k.startsWith(key) : k === key)).sort(([a], [b]) => (a < b ? -1 : 1));
      if (found.length === 0) return send(res, 404, tables.kv, '');
      return send(res, 200, tables.kv, found.map(([k, e]) => ({ LockIndex: 0, Key: k, Flags: 0, Value: e.value.length ? e.value.toString('base64') : null, CreateIndex: e.createIndex, ModifyIndex: e.modifyIndex })));
    }
    if (req.method !== 'GET') return send(res, 405, undefined, 'method not allowed');
    if (path === '/v1/catalog/services') {
      await block(req, query, () => tables.catalog);
      const out: Record<string, string[]> = {};
      for (const instance of instances.values()) out[instance.name] = [...new Set([...(out[instance.name] ?? []), ...(instance.tags ?? [])])];
      return send(res, 200, tables.catalog, out);
    }
    if (path.startsWith('/v1/health/service/')) {
      const name = decodeURIComponent(path.slice('/v1/health/service/'.length));
      const index = () => Math.max(tables.catalog, tables.checks);
      await block(req, query, index);
      const passing = query.has('passing') && query.get('passing') !== 'false';
      const entries = [...instances.values()].filter((i) => i.name === name && (!passing || (i.status ?? 'passing') === 'passing'));
      return send(res, 200, index(), entries.map(entryOf));
    }
    if (path === '/v1/health/state/any') {
      await block(req, query, () => tables.checks);
      return send(res, 200, tables.checks, [...instances.values()].flatMap((i) => entryOf(i).Checks));
    }
    send(res, 404, undefined, 'not found in the Consul fake');
  }

  function putKv(key: string, value: Buffer): void {
    bump('kv');
    const before = kv.get(key);
    kv.set(key, { value, createIndex: before?.createIndex ?? raft, modifyIndex: raft });
  }

  function deleteKv(key: string, recurse = false): void {
    bump('kv');
    for (const k of [...kv.keys()]) if (recurse ? k.startsWith(key) : k === key) kv.delete(k);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res).catch((error: Error) => send(res, 500, undefined, error.message));
  const { tls } = options;
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key, ...(tls.ca && { ca: tls.ca, requestCert: true, rejectUnauthorized: true }) }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    putKv: (key, value) => putKv(key, Buffer.from(value)),
    deleteKv,
    register(instance) {
      bump('catalog', 'checks');
      const before = instances.get(instance.id);
      instances.set(instance.id, { ...instance, createIndex: before?.createIndex ?? raft, modifyIndex: raft });
    },
    deregister(id) {
      if (!instances.has(id)) return;
      instances.delete(id);
      bump('catalog', 'checks');
    },
    setStatus(id, status) {
      const instance = instances.get(id);
      if (!instance) throw new Error(`no instance ${id}`);
      instance.status = status;
      bump('checks');
    },
    blocked: () => blocked,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
