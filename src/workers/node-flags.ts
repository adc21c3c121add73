/**
 * V8's young generation, capped for the processes that serve traffic: 8 MB per semi-space instead of
 * the 16–64 MB V8 grows it to while a large table is built, which it then keeps committed for good.
 * Measured with 10,000 routers (docs/benchmarks.md, session 14): resident memory 190–245 MB in every
 * phase (first load, traffic, reloads under traffic) against 288–327 MB, for requests/s within the
 * spread of two identical gateways side by side (0.98 median) and no slower first compile; reloading a
 * large file costs a little more CPU, mostly on the file provider's parsing thread.
 * The container image and `npm start` pass it on the command line; worker mode adds it to its data planes.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=8';

// V8 accepts dashes or underscores in flag names; either cap or floor means the operator chose a size.
const SEMI_SPACE_FLAG = /--(?:max|min)[-_]semi[-_]space[-_]size/;

/**
 * Node flags for a forked data-plane process: the control process's own (Node's default for a fork),
 * plus the young-generation cap unless the operator set a semi-space size in them or in NODE_OPTIONS.
 */
export function dataPlaneExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  if (execArgv.some((flag) => SEMI_SPACE_FLAG.test(flag)) || SEMI_SPACE_FLAG.test(nodeOptions)) return [...execArgv];
  return [...execArgv, YOUNG_GENERATION_FLAG];
}
