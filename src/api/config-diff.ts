import type { RuntimeStatus } from '../runtime/status.js';

/** Names per kind of element. */
export interface ElementNames {
  routers: string[];
  services: string[];
  middlewares: string[];
}

/** What changed between two routing tables: elements added, removed, and changed (configuration, status, errors or attachments). */
export interface ConfigDiff {
  added: ElementNames;
  removed: ElementNames;
  changed: ElementNames;
}

const KINDS = ['routers', 'services', 'middlewares'] as const;

/** Compares the statuses of two tables; with no previous table, everything is added. Names come out sorted. */
export function diffStatus(previous: RuntimeStatus | undefined, next: RuntimeStatus): ConfigDiff {
  const diff: ConfigDiff = { added: empty(), removed: empty(), changed: empty() };
  for (const kind of KINDS) {
    const before = (previous?.[kind] ?? {}) as Record<string, object>;
    const after = next[kind] as Record<string, object>;
    for (const name of Object.keys(after).sort()) {
      if (!Object.hasOwn(before, name)) diff.added[kind].push(name);
      else if (!sameFields(before[name]!, after[name]!) && fingerprint(before[name]!) !== fingerprint(after[name]!)) diff.changed[kind].push(name);
    }
    for (const name of Object.keys(before).sort()) if (!Object.hasOwn(after, name)) diff.removed[kind].push(name);
  }
  return diff;
}

function empty(): ElementNames {
  return { routers: [], services: [], middlewares: [] };
}

/**
 * The cheap answer for an element a reload left alone: the same fields holding the same values, lists
 * compared item by item (the watcher hands unchanged configurations over as the same frozen objects).
 * False only means the canonical texts must be compared.
 */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let fields = 0;
  for (const key in x) {
    if (key === 'serverStatus') continue;
    fields++;
    const u = x[key];
    const v = y[key];
    if (u === v) continue;
    if (!Array.isArray(u) || !Array.isArray(v) || u.length !== v.length) return false;
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  }
  for (const key in y) if (key !== 'serverStatus') fields--;
  return fields === 0;
}

/**
 * A canonical JSON text of an element's status (keys sorted, so providers that rebuild objects in
 * another order do not show as changes); live server health is left out, it is not configuration.
 */
function fingerprint(element: object): string {
  const { serverStatus: _live, ...rest } = element as Record<string, unknown>;
  return JSON.stringify(rest, (_key, value: unknown) => {
    if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
