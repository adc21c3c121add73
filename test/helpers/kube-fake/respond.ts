import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from './store.js';
import type { IncludeObject } from './table.js';
import type { KubeObject, ResourceDef } from './types.js';
import type { OpenWatch } from './watch.js';

/** One answered request, for tests that check what a client sent. */
export interface RequestRecord {
  method: string;
  /** The path without the query. */
  path: string;
  /** The query string without `?` (empty when none). */
  query: string;
  status: number;
  /** Whether this was a watch (its status is logged when the stream starts). */
  watch: boolean;
}

/** What the request handler shares with the fake's test hooks. */
export interface FakeState {
  store: Store;
  defs: ResourceDef[];
  token: string | undefined;
  bookmarkIntervalMs: number;
  serverAddress: () => string;
  watches: Set<OpenWatch>;
  requests: RequestRecord[];
}

/** Answers with a JSON body and logs the request. */
export function send(state: FakeState, req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-cache, private' });
  res.end(payload);
  log(state, req, status, false);
}

/** Adds a request to the log. */
export function log(state: FakeState, req: IncomingMessage, status: number, watch: boolean): void {
  const url = new URL(req.url ?? '/', 'https://fake');
  state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), status, watch });
}

/** An object without kind and apiVersion, as items of real list responses are. */
export const withoutType = ({ kind: _k, apiVersion: _a, ...rest }: KubeObject) => rest;

/** The `includeObject` query parameter of a Table request. */
export function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
