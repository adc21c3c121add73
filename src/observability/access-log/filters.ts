import type { AccessLogConfig } from '../../config/static-types.js';

/** Decides from its outcome whether a request is logged. */
export type AccessLogFilter = (outcome: { status: number; retries: number; durationMs: number }) => boolean;

/** Parses `filters.statusCodes` entries (`"404"`, `"500-599"`); a malformed one is a startup error naming it. */
export function parseStatusRanges(codes: string[]): Array<[number, number]> {
  return codes.map((code) => {
    const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(code);
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || high < low) throw new Error(`accessLog.filters.statusCodes: "${code}" is neither a status code nor a range like 500-599`);
    return [low, high];
  });
}

/**
 * Builds the filter: without any filter every request is logged; with some, a request is logged when
 * any one of them selects it (its status is listed, it was retried, or it took longer than minDuration).
 */
export function createFilter(filters: AccessLogConfig['filters']): AccessLogFilter {
  const ranges = parseStatusRanges(filters.statusCodes);
  const { retryAttempts, minDuration } = filters;
  if (ranges.length === 0 && !retryAttempts && minDuration <= 0) return () => true;
  return ({ status, retries, durationMs }) =>
    ranges.some(([low, high]) => status >= low && status <= high) || (retryAttempts && retries > 0) || (minDuration > 0 && durationMs > minDuration);
}
