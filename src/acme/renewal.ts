const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long before expiry a certificate is renewed, and how often Traefik would check. */
export interface RenewDurations {
  renewBefore: number;
  checkInterval: number;
}

/**
 * Traefik's renewal table keyed by `certificatesDuration` (hours): longer lifetimes renew earlier
 * and are checked less often. Durations in milliseconds.
 */
export function renewDurations(certificatesDurationHours: number): RenewDurations {
  const lifetime = certificatesDurationHours * HOUR;
  if (lifetime >= 365 * DAY) return { renewBefore: 4 * 30 * DAY, checkInterval: 7 * DAY };
  if (lifetime >= 90 * DAY) return { renewBefore: 30 * DAY, checkInterval: DAY };
  if (lifetime >= 30 * DAY) return { renewBefore: 10 * DAY, checkInterval: 12 * HOUR };
  if (lifetime >= 6 * DAY) return { renewBefore: 2 * DAY, checkInterval: 2 * HOUR };
  if (lifetime >= DAY) return { renewBefore: 6 * HOUR, checkInterval: 10 * 60_000 };
  return { renewBefore: 20 * 60_000, checkInterval: 60_000 };
}

/**
 * When a certificate should be renewed: with `certificatesDuration` set, per Traefik's table;
 * otherwise when a third of its actual lifetime remains (Let's Encrypt's own advice).
 */
export function renewalTime(notBefore: number, notAfter: number, certificatesDurationHours?: number): number {
  const before = certificatesDurationHours !== undefined ? renewDurations(certificatesDurationHours).renewBefore : (notAfter - notBefore) / 3;
  return notAfter - before;
}

/** Exponential backoff for failed orders: initial × 2^(failures−1), capped. */
export function retryDelay(failures: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}
