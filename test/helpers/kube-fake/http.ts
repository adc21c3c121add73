import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBody, readDeleteOptions, readJson } from './body.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, serverVersion } from './discovery.js';
import { deleteCollection, list } from './list.js';
import { mergePatch, jsonPatch, strategicMergePatch } from './patch.js';
import { includeObject, log, send, type FakeState } from './respond.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { KubeError, notFound, pathNotFound, statusBody } from './status.js';
import { toTable, wantsTable } from './table.js';
import type { KubeObject, ResourceDef } from './types.js';
import { serveWatch, type OpenWatch } from './watch.js';

export type { FakeState, RequestRecord } from './respond.js';

interface Target {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPath: boolean;
}

// Resolves /api/v1/... and /apis/<g>/<v>/... to a resource, namespace, name and subresource.
function parseTarget(defs: ResourceDef[], segs: string[]): Target | undefined {
  let group: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) [group, rest] = ['', segs.slice(1)];
  else if (segs[0] === 'apis' && segs.length >= 4) [group, rest] = [segs[1]!, segs.slice(2)];
  else return undefined;
  const version = rest[0]!;
  rest = rest.slice(1);
  const inGv = defs.filter((d) => d.group === group && d.version === version);
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && inGv.some((d) => d.plural === rest[2] && d.namespaced)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = inGv.find((d) => d.plural === rest[0]);
  if (!def || rest.length > 3) return undefined;
  if (namespace !== undefined && !def.namespaced) return undefined;
  const [, name, subresource] = rest;
  // A namespaced object is only addressable under /namespaces/<ns>/ (the all-namespaces path is for lists and watches).
  if (name !== undefined && def.namespaced && namespace === undefined) return undefined;
  if (subresource !== undefined && !(subresource === 'status' && def.status)) return undefined;
  return { def, namespace, name, subresource, watchPath };
}

/** Handles one request to the fake apiserver (after the auth check). */
export async function handle(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (state.token !== undefined && req.headers.authorization !== `Bearer ${state.token}`) {
      send(state, req, res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    await route(state, req, res);
  } catch (err) {
    const e = err instanceof KubeError ? err : new KubeError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
    if (!res.headersSent) send(state, req, res, e.code, e.toStatus());
    else res.destroy();
  }
}

async function route(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://fake');
  const q = url.searchParams;
  const segs = url.pathname.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  const table = wantsTable(req.headers.accept);

  if (method === 'GET') {
    const path = url.pathname.replace(/\/$/, '');
    if (path === '/version') return send(state, req, res, 200, serverVersion);
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      return log(state, req, 200, false);
    }
    if (path === '/api') return send(state, req, res, 200, apiVersions(state.serverAddress()));
    if (path === '/apis') return send(state, req, res, 200, apiGroupList(state.defs));
    if (segs.length === 2 && segs[0] === 'api') return replyOr404(state, req, res, apiResourceList(state.defs, '', segs[1]!));
    if (segs.length === 2 && segs[0] === 'apis') return replyOr404(state, req, res, apiGroup(state.defs, segs[1]!));
    if (segs.length === 3 && segs[0] === 'apis') return replyOr404(state, req, res, apiResourceList(state.defs, segs[1]!, segs[2]!));
  }

  const target = parseTarget(state.defs, segs);
  if (!target) throw pathNotFound();
  const { def, namespace, name, subresource } = target;
  const dryRun = q.getAll('dryRun').includes('All');

  if (method === 'GET' && (target.watchPath || q.get('watch') === 'true' || q.get('watch') === '1')) {
    const byName = name !== undefined ? fieldMatcher(`metadata.name=${name}`, def.kind) : () => true;
    const labels = labelMatcher(q.get('labelSelector'));
    const fields = fieldMatcher(q.get('fieldSelector'), def.kind);
    const timeout = q.get('timeoutSeconds');
    let open: OpenWatch | undefined;
    open = serveWatch(
      state.store,
      {
        def,
        namespace,
        matches: (o) => byName(o) && labels(o) && fields(o),
        resourceVersion: q.get('resourceVersion') ?? undefined,
        bookmarks: q.get('allowWatchBookmarks') === 'true',
        bookmarkIntervalMs: state.bookmarkIntervalMs,
        timeoutSeconds: timeout ? Number(timeout) : undefined,
        table: table ? includeObject(q) : undefined,
      },
      res,
      () => {
        if (open) state.watches.delete(open);
      },
    );
    if (!res.writableEnded) state.watches.add(open);
    log(state, req, 200, true);
    return;
  }

  if (method === 'GET' && name !== undefined) {
    const obj = state.store.get(def, namespace, name);
    if (!obj) throw notFound(def, name);
    return send(state, req, res, 200, table ? toTable(def.kind, [obj], obj.metadata.resourceVersion ?? '', includeObject(q)) : obj);
  }
  if (method === 'GET') return list(state, req, res, def, namespace, q, table);

  if (method === 'POST' && name === undefined) {
    const { body } = await readJson(req);
    const obj = checkBody(def, body, namespace, undefined);
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string') {
      obj.metadata.name = obj.metadata.generateName + Math.random().toString(36).slice(2, 7);
    }
    if (!obj.metadata.name) throw new KubeError(422, 'Invalid', `${def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    if (def.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    // A create cannot set the status of a resource that has a status subresource (the apiserver resets it).
    if (def.status) delete obj.status;
    return send(state, req, res, dryRun ? 200 : 201, state.store.create(def, obj, { dryRun }));
  }

  if (name === undefined) {
    if (method === 'DELETE') return deleteCollection(state, req, res, def, namespace, q);
    throw new KubeError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
  const status = subresource === 'status';

  if (method === 'PUT') {
    const { body } = await readJson(req);
    const obj = checkBody(def, body, namespace, name);
    return send(state, req, res, 200, state.store.update(def, obj, { status, dryRun }));
  }
  if (method === 'PATCH') {
    const { type, body } = await readJson(req);
    const current = state.store.get(def, namespace, name);
    if (!current) throw notFound(def, name);
    const patched = (
      type === 'application/merge-patch+json' ? mergePatch(current, body)
      : type === 'application/strategic-merge-patch+json' ? strategicMergePatch(current, body)
      : type === 'application/json-patch+json' ? jsonPatch(current, body)
      : undefined
    ) as KubeObject | undefined;
    if (!patched) throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
    const obj = checkBody(def, patched, namespace, name);
    // A patch without a resourceVersion applies to whatever is stored now (the apiserver retries internally).
    if (!(body as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion) obj.metadata.resourceVersion = current.metadata.resourceVersion;
    return send(state, req, res, 200, state.store.update(def, obj, { status, dryRun }));
  }
  if (method === 'DELETE' && !status) {
    const precondition = await readDeleteOptions(req);
    const deleted = state.store.delete(def, namespace, name, { dryRun, ...(precondition ? { resourceVersion: precondition } : {}) });
    const details = { name, ...(def.group ? { group: def.group } : {}), kind: def.plural, uid: deleted.metadata.uid };
    return send(state, req, res, 200, { ...statusBody(200, '', ''), details });
  }
  throw new KubeError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

function replyOr404(state: FakeState, req: IncomingMessage, res: ServerResponse, body: Record<string, unknown> | undefined): void {
  if (!body) throw pathNotFound();
  send(state, req, res, 200, body);
}
