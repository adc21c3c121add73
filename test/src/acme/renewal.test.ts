import t from 'tap';
import { renewDurations, renewalTime, retryDelay } from '../../../src/acme/renewal.js';

const H = 3_600_000;
const D = 24 * H;

t.test('certificatesDuration picks the renewal window and check interval of Traefik\'s table', async (t) => {
  const table: Array<[number, number, number]> = [
    [24 * 365, 120 * D, 7 * D],
    [2160, 30 * D, D],
    [24 * 30, 10 * D, 12 * H],
    [24 * 7, 2 * D, 2 * H],
    [24, 6 * H, 10 * 60_000],
    [1, 20 * 60_000, 60_000],
  ];
  for (const [hours, before, interval] of table) t.same(renewDurations(hours), { renewBefore: before, checkInterval: interval }, `${hours} h`);
});

t.test('without certificatesDuration a certificate is renewed when a third of its lifetime remains', async (t) => {
  t.equal(renewalTime(0, 90 * D), 60 * D);
  t.equal(renewalTime(1000, 1000 + 30_000), 21_000);
});

t.test('with certificatesDuration the table decides, whatever the certificate says', async (t) => {
  t.equal(renewalTime(0, 90 * D, 2160), 60 * D);
  t.equal(renewalTime(0, 2 * D, 24), 2 * D - 6 * H);
});

t.test('retries back off exponentially up to the maximum', async (t) => {
  t.same([1, 2, 3, 4, 10].map((n) => retryDelay(n, 1000, 6000)), [1000, 2000, 4000, 6000, 6000]);
  t.equal(retryDelay(500, 1000, 24 * H), 24 * H, 'huge failure counts do not overflow');
});
