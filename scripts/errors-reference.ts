import { ERRORS } from '../src/errors.js';

/** docs/errors.md, generated from the error catalog in src/errors.ts. */
export function renderErrors(): string {
  const rows = Object.entries(ERRORS).map(([code, e]) => `| \`${code}\` | ${e.status || '—'} | ${e.text} |`);
  return `${[
    '# Errors',
    '',
    'Generated from `src/errors.ts` (`npm run docs`). Errors show up in one of three places:',
    '',
    '- **At start-up** (static configuration): the process exits with status 1 and prints every problem',
    '  with its source and key path, e.g. `switchyard.yaml: entryPoints.web.adress is not allowed (unknown key), did you mean address?`.',
    '  `switchyard validate` prints the same without starting anything.',
    '- **In element statuses** (dynamic configuration): the element becomes `disabled` (or `warning`), its',
    '  errors are logged and kept with it, and nothing else stops. Each message names the element, the',
    '  provider and file, the key path and the reason, e.g.',
    '  ``router "api@file" (routes.yaml): rule: Rule "Path(`/api`) &&" : expected a matcher, found end of rule at position 16``.',
    '- **On requests**: the client gets a plain-text status; no stack trace ever reaches it. A server that',
    '  cannot be reached answers 502, one that is too slow 504, a service with no healthy server 503; a',
    '  client that leaves early is logged as 499.',
    '',
    '| code | HTTP status | meaning |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n')}\n`;
}
