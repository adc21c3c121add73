import type { ServerResponse } from 'node:http';
import { apiVersionOf } from './resources.js';
import type { Matcher } from './selectors.js';
import type { StoredEvent, Store } from './store.js';
import { expired } from './status.js';
import { toTable, type IncludeObject } from './table.js';
import type { KubeObject, ResourceDef } from './types.js';

/** What one watch request asked for. */
export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  matches: Matcher;
  resourceVersion: string | undefined;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds: number | undefined;
  /** Wrap every event's object in a one-row Table (kubectl `get -w`). */
  table: IncludeObject | undefined;
}

/** An open watch stream the fake can end cleanly or cut. */
export interface OpenWatch {
  /** Ends the stream normally: the client watches again from its last resourceVersion. */
  end(): void;
  /** Destroys the connection mid-stream: the client sees an error. */
  cut(): void;
}

/**
 * Streams a watch: HTTP 200, chunked, one JSON event per line. RV ""/"0" sends the current objects as
 * synthetic ADDED events first; RV N replays the history after N; an RV older than the compacted history gets an
 * ERROR 410 Expired event and the stream closes. With a selector, objects that start/stop matching are ADDED/DELETED.
 */
export function serveWatch(store: Store, w: WatchRequest, res: ServerResponse, onClose: () => void): OpenWatch {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const wrap = (obj: KubeObject) => (w.table ? toTable(w.def.kind, [obj], obj.metadata.resourceVersion ?? '', w.table) : obj);
  const inScope = (o: KubeObject) => (w.namespace === undefined || o.metadata.namespace === w.namespace) && w.matches(o);

  const project = (e: StoredEvent): void => {
    if (e.def !== w.def) return;
    const now = inScope(e.object);
    if (e.type === 'MODIFIED' && e.previous) {
      const before = inScope(e.previous);
      if (before && now) send('MODIFIED', wrap(e.object));
      else if (now) send('ADDED', wrap(e.object));
      else if (before) send('DELETED', wrap(e.object));
      return;
    }
    if (now) send(e.type, wrap(e.object));
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearInterval(t);
    onClose();
  };
  res.on('close', finish);
  const end = () => {
    finish();
    res.end();
  };

  const rv = w.resourceVersion;
  if (rv && rv !== '0' && Number(rv) < store.compactedRv) {
    const oldest = store.history[0]?.rv ?? store.rv;
    send('ERROR', expired(`too old resource version: ${rv} (${oldest})`).toStatus());
    end();
    return { end: () => {}, cut: () => {} };
  }
  if (!rv || rv === '0') {
    for (const obj of store.list(w.def, w.namespace)) if (w.matches(obj)) send('ADDED', wrap(obj));
  } else {
    for (const e of store.history) if (e.rv > Number(rv)) project(e);
  }
  unsubscribe = store.subscribe(project);

  if (w.bookmarks && w.bookmarkIntervalMs > 0) {
    const bookmark = () => send('BOOKMARK', { kind: w.def.kind, apiVersion: apiVersionOf(w.def), metadata: { resourceVersion: String(store.rv) } });
    timers.push(setInterval(bookmark, w.bookmarkIntervalMs).unref());
  }
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) timers.push(setTimeout(end, w.timeoutSeconds * 1000).unref());

  return {
    end,
    cut: () => {
      finish();
      res.socket?.destroy();
    },
  };
}
