import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createTestCA } from '../certs.js';
import { handle, type FakeState, type RequestRecord } from './http.js';
import { writeKubeconfig } from './kubeconfig.js';
import { builtinResources, findResource } from './resources.js';
import { Store } from './store.js';
import type { KubeObject, ResourceDef } from './types.js';

// A FAKE of kube-apiserver, written for the tests because no apiserver can be installed here (see
// components reference §5). It keeps the wire behaviour that client-node informers and kubectl rely on: one global
// resourceVersion, list + watch (history replay, 410 Expired after compaction, bookmarks, selector transitions),
// the status subresource, merge/strategic/JSON patches, Status errors, discovery, and server-side Tables.

export type { KubeObject, ResourceDef } from './types.js';
export type { RequestRecord } from './http.js';

/** The running fake: its address and credentials, test hooks to change state behind clients' backs, and a request log. */
export interface KubeFake {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** PEM of the CA that signed the fake's certificate (SAN IP:127.0.0.1, DNS:localhost). */
  ca: string;
  /** The bearer token it accepts; requests without it get a 401 Status. */
  token: string;
  /** A kubeconfig file (server, certificate-authority-data, user token) in a temp dir. */
  kubeconfigPath: string;
  /** Creates or replaces an object (keeping the stored status on replace), stamping a new resourceVersion; returns the stored copy. */
  apply(obj: KubeObject): KubeObject;
  /** Replaces only `.status` of a stored object. */
  applyStatus(obj: KubeObject): KubeObject;
  /** Deletes an object (no-op when it is missing); a namespaced one in `default` when no namespace is given. */
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** A copy of a stored object; `kind` may also be the plural, singular or a short name. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Copies of all stored objects of a kind, ordered by namespace then name. */
  list(kind: string): KubeObject[];
  /** Forgets history: watches from older resourceVersions get ERROR 410 Expired. */
  compact(): void;
  /** Destroys every open watch stream abruptly (the clients see an error). */
  cutWatches(): void;
  /** Ends every open watch stream cleanly (the clients watch again from their last resourceVersion). */
  endWatches(): void;
  /** While on, new connections are destroyed and open ones (watches included) are cut: an API partition. */
  setUnreachable(on: boolean): void;
  /** The number of watch streams open now. */
  openWatches(): number;
  /** The current (latest) resourceVersion. */
  resourceVersion(): string;
  /** Every answered request (a watch is logged when its stream starts). */
  requests: RequestRecord[];
  /** Destroys all connections and stops listening. */
  close(): Promise<void>;
}

/** Options of the fake; `resources` adds types (CRDs) to the built-in ones. */
export interface KubeFakeOptions {
  token?: string;
  bookmarkIntervalMs?: number;
  resources?: ResourceDef[];
}

// One CA and serving certificate per process: making them runs openssl four times, and every fake listens on 127.0.0.1.
let pkiCache: { ca: string; cert: string; key: string } | undefined;
function servingPki(): { ca: string; cert: string; key: string } {
  if (pkiCache) return pkiCache;
  const pki = createTestCA();
  const leaf = pki.issue(['127.0.0.1', 'localhost']);
  return (pkiCache = { ca: pki.ca.cert, cert: leaf.cert, key: leaf.key });
}

/** Starts the fake apiserver on 127.0.0.1 port 0, serving HTTPS, with the namespaces `default` and `kube-system`. */
export async function startKubeFake(options: KubeFakeOptions = {}): Promise<KubeFake> {
  const token = options.token ?? 'switchyard-test-token';
  const pki = servingPki();
  const defs = [...builtinResources, ...(options.resources ?? [])];
  const store = new Store();
  let port = 0;
  const state: FakeState = {
    store,
    defs,
    token,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    serverAddress: () => `127.0.0.1:${port}`,
    watches: new Set(),
    requests: [],
  };
  let unreachable = false;
  const sockets = new Set<Socket>();
  const server = https.createServer({ cert: pki.cert + pki.ca, key: pki.key }, (req, res) => void handle(state, req, res));
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    if (unreachable) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  const def = (kind: string, apiVersion?: string) => {
    const d = findResource(defs, kind, apiVersion);
    if (!d) throw new Error(`kube fake: unknown resource ${apiVersion ? `${apiVersion} ` : ''}${kind}`);
    return d;
  };
  for (const ns of ['default', 'kube-system']) store.create(def('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });

  return {
    url,
    ca: pki.ca,
    token,
    kubeconfigPath: writeKubeconfig(url, pki.ca, token),
    apply: (obj) => store.upsert(def(obj.kind, obj.apiVersion), obj),
    applyStatus: (obj) => store.update(def(obj.kind, obj.apiVersion), { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } }, { status: true }),
    remove(kind, namespace, name) {
      const d = def(kind);
      if (store.get(d, namespace, name)) store.delete(d, namespace, name);
    },
    get: (kind, namespace, name) => store.get(def(kind), namespace, name),
    list: (kind) => store.list(def(kind)),
    compact: () => store.compact(),
    cutWatches() {
      for (const w of [...state.watches]) w.cut();
    },
    endWatches() {
      for (const w of [...state.watches]) w.end();
    },
    setUnreachable(on) {
      unreachable = on;
      if (on) for (const s of [...sockets]) s.destroy();
    },
    openWatches: () => state.watches.size,
    resourceVersion: () => String(store.rv),
    requests: state.requests,
    async close() {
      for (const s of [...sockets]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
