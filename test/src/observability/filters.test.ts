import t from 'tap';
import { createFilter, parseStatusRanges } from '../../../src/observability/access-log/filters.js';

t.test('status code filters accept codes and ranges', async (t) => {
  t.same(parseStatusRanges(['200', '300-302', ' 500 - 599 ']), [
    [200, 200],
    [300, 302],
    [500, 599],
  ]);
  for (const bad of ['abc', '20', '302-300', '200-']) t.throws(() => parseStatusRanges([bad]), new RegExp(`"${bad}"`), `"${bad}" is refused`);
});

t.test('a request is logged when any filter selects it', async (t) => {
  const none: { statusCodes: string[]; retryAttempts: boolean; minDuration: number } = { statusCodes: [], retryAttempts: false, minDuration: 0 };
  const cases: Array<[string, Partial<typeof none>, { status: number; retries: number; durationMs: number }, boolean]> = [
    ['without filters everything is logged', {}, { status: 200, retries: 0, durationMs: 1 }, true],
    ['a listed status is logged', { statusCodes: ['404'] }, { status: 404, retries: 0, durationMs: 1 }, true],
    ['an unlisted status is not', { statusCodes: ['404'] }, { status: 200, retries: 0, durationMs: 1 }, false],
    ['a status inside a range is logged', { statusCodes: ['500-504'] }, { status: 503, retries: 0, durationMs: 1 }, true],
    ['a retried request is logged with retryAttempts', { retryAttempts: true }, { status: 200, retries: 2, durationMs: 1 }, true],
    ['an unretried one is not', { retryAttempts: true }, { status: 200, retries: 0, durationMs: 1 }, false],
    ['a slow request is logged with minDuration', { minDuration: 100 }, { status: 200, retries: 0, durationMs: 150 }, true],
    ['a fast one is not', { minDuration: 100 }, { status: 200, retries: 0, durationMs: 50 }, false],
    ['filters combine with or', { statusCodes: ['500'], retryAttempts: true }, { status: 200, retries: 1, durationMs: 1 }, true],
  ];
  for (const [name, filters, outcome, logged] of cases) t.equal(createFilter({ ...none, ...filters })(outcome), logged, name);
});
