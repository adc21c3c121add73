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
      else if (fingerprint(before[name]) !== fingerprint(after[name])) diff.changed[kind].push(name);
    }
    for (const name of Object.keys(before).sort()) if (!Object.hasOwn(after, name)) diff.removed[kind].push(name);
  }
  return diff;
}

function empty(): ElementNames {
  return { routers: [], services: [], middlewares: [] };
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
