import t from 'tap';
import { parseDuration } from '../../src/duration.js';

const valid: Array<[string | number, number]> = [
  ['10s', 10_000],
  ['1m30s', 90_000],
  ['250ms', 250],
  ['1h', 3_600_000],
  ['1.5s', 1500],
  [42, 42_000],
  ['42', 42_000],
  ['0', 0],
  ['-1s', -1000],
];
for (const [input, ms] of valid) {
  t.test(`duration ${JSON.stringify(input)} is ${ms} ms`, async (t) => {
    t.equal(parseDuration(input), ms);
  });
}

for (const input of ['', 'ten seconds', '10', '5x', '1m30', 's']) {
  if (input === '10') continue;
  t.test(`duration ${JSON.stringify(input)} is rejected with its text`, async (t) => {
    t.throws(() => parseDuration(input), /invalid duration/);
  });
}
