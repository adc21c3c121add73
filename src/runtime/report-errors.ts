import type { Logger } from '../log.js';
import type { RuntimeStatus } from './status.js';

/**
 * Logs element errors of a new routing table, each once: an error already logged for the previous
 * table is not repeated on every reload. Returns the set to pass next time.
 */
export function reportElementErrors(status: RuntimeStatus, previous: ReadonlySet<string>, log: Logger): Set<string> {
  const current = new Set<string>();
  const kinds = [
    ['router', status.routers],
    ['service', status.services],
    ['middleware', status.middlewares],
  ] as const;
  for (const [kind, elements] of kinds) {
    // Keys, not Object.values: see src/records.ts.
    for (const key of Object.keys(elements)) {
      const element = elements[key]!;
      if (element.error === undefined) continue;
      for (const error of element.error) {
        const seen = `${kind}\n${element.name}\n${error}`;
        current.add(seen);
        if (previous.has(seen)) continue;
        const fields = { [kind]: element.name, status: element.status };
        if (element.status === 'disabled') log.error(fields, error);
        else log.warn(fields, error);
      }
    }
  }
  return current;
}
