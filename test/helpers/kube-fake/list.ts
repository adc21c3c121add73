import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf } from './resources.js';
import { send, includeObject, withoutType, type FakeState } from './respond.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { badRequest, KubeError } from './status.js';
import { toTable } from './table.js';
import type { KubeObject, ResourceDef } from './types.js';

// The stored objects of a type that the label and field selectors of the query match.
function selected(state: FakeState, def: ResourceDef, namespace: string | undefined, q: URLSearchParams): KubeObject[] {
  const labels = labelMatcher(q.get('labelSelector'));
  const fields = fieldMatcher(q.get('fieldSelector'), def.kind);
  return state.store.list(def, namespace).filter((o) => labels(o) && fields(o));
}

// A continue token: the list resourceVersion and the last key returned (base64url JSON, opaque to clients).
interface ContinueToken {
  rv: number;
  start: string;
}

/** LIST with label/field selectors, `limit`/`continue` paging and `remainingItemCount`, as JSON or a Table. */
export function list(state: FakeState, req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, q: URLSearchParams, table: boolean): void {
  let items = selected(state, def, namespace, q);
  let rv = state.store.rv;
  const cont = q.get('continue');
  if (cont) {
    let token: ContinueToken;
    try {
      token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as ContinueToken;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data');
    }
    if (token.rv < state.store.compactedRv) {
      throw new KubeError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    rv = token.rv;
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.start);
  }
  const limit = Number(q.get('limit') ?? 0);
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const last = items[limit - 1]!;
    meta.continue = Buffer.from(JSON.stringify({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` } satisfies ContinueToken)).toString('base64url');
    meta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  if (table) return send(state, req, res, 200, toTable(def.kind, items, String(rv), includeObject(q), meta));
  send(state, req, res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: meta, items: items.map(withoutType) });
}

/** DELETE on a collection: removes what the selectors match. */
export function deleteCollection(state: FakeState, req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, q: URLSearchParams): void {
  const deleted = selected(state, def, namespace, q).map((o) => state.store.delete(def, o.metadata.namespace, o.metadata.name));
  send(state, req, res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(state.store.rv) }, items: deleted.map(withoutType) });
}
