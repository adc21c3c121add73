import fc from 'fast-check';
import type { Test } from 'tap';

/** The seed every property run uses: fixed so CI is repeatable, overridable with FC_SEED to explore. */
export const PROPERTY_SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261122;

/** What tap's `t` offers that a property check needs. */
type Reporter = Pick<Test, 'ok' | 'comment'>;

/**
 * Runs a fast-check property with a fixed seed and a bounded number of runs; on failure the
 * report (counterexample, seed and path to replay it) goes to the test output.
 */
export function checkProperty<Ts>(t: Reporter, name: string, property: fc.IProperty<Ts>, numRuns: number): void {
  const started = Date.now();
  const details = fc.check(property, { seed: PROPERTY_SEED, numRuns, endOnFailure: false });
  const report = fc.defaultReportMessage(details);
  if (report) t.comment(`${report}\nreplay with FC_SEED=${details.seed} (path ${details.counterexamplePath ?? '-'})`);
  t.ok(!details.failed, `${name} (${details.numRuns} runs, ${Date.now() - started} ms)`);
}
