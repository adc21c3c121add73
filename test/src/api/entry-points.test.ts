import t from 'tap';
import { duration } from '../../../src/api/entry-points.js';

t.test('milliseconds are written back as Go durations', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['zero', 0, '0s'],
    ['seconds', 10_000, '10s'],
    ['a minute', 60_000, '1m0s'],
    ['minutes and seconds', 90_000, '1m30s'],
    ['hours', 3_600_000, '1h0m0s'],
    ['hours and seconds', 3_601_000, '1h0m1s'],
    ['milliseconds', 250, '250ms'],
  ];
  for (const [name, ms, expected] of cases) t.equal(duration(ms), expected, name);
});
