import { compileExpression, type ExpressionFunction } from '../traffic-control/expression.js';
import type { SlidingWindow } from './window.js';

const FUNCTIONS: Record<string, ExpressionFunction<SlidingWindow>> = {
  NetworkErrorRatio: { args: 0, returns: 'number', make: () => (w) => w.networkErrorRatio() },
  ResponseCodeRatio: {
    args: 4,
    returns: 'number',
    make: ([from, to, divFrom, divTo]) => {
      if (!(from! < to!) || !(divFrom! < divTo!)) throw new Error('each range needs from < to (from inclusive, to exclusive)');
      return (w) => w.responseCodeRatio(from!, to!, divFrom!, divTo!);
    },
  },
  LatencyAtQuantileMS: {
    args: 1,
    returns: 'number',
    make: ([q]) => {
      if (!(q! > 0 && q! <= 100)) throw new Error('the quantile must be in (0, 100]');
      return (w) => w.latencyAtQuantileMs(q!);
    },
  },
  RequestThreshold: { args: 0, returns: 'number', make: () => (w) => w.requests() },
};

/** Compiles a circuitBreaker expression into a test over the window; throws `... at position N`. */
export function compileBreakerExpression(source: string): (window: SlidingWindow) => boolean {
  return compileExpression(source, FUNCTIONS);
}
