// Request and error rates per router and service, computed from two scrapes of the gateway's Prometheus
// endpoint a few seconds apart. When /metrics is absent (not configured, or not routed) the numbers stay hidden.

const SAMPLE_EVERY_MS = 5000;
// The first two scrapes are closer together so rates appear soon after a page opens.
const FIRST_INTERVAL_MS = 2000;
const ABSENT_RETRY_MS = 60_000;
const STALE_MS = 30_000;

/** Parses Prometheus text exposition into samples `{ name, labels, value }` (comments and HELP/TYPE lines skipped). */
export function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    // Label values are quoted with \\, \" and \n escapes (exposition format spec).
    for (const m of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sums `<prefix>_<level>_requests_total` per element into `{ total, errors }`, errors being 5xx answers. */
export function countRequests(samples, level) {
  const counts = new Map();
  const suffix = `_${level}_requests_total`;
  for (const sample of samples) {
    if (!sample.name.endsWith(suffix)) continue;
    const name = sample.labels[level];
    if (!name) continue;
    const entry = counts.get(name) ?? { total: 0, errors: 0 };
    entry.total += sample.value;
    if (Number(sample.labels.code) >= 500) entry.errors += sample.value;
    counts.set(name, entry);
  }
  return counts;
}

/** Turns two scrapes into per-second rates and 5xx ratios per element name. */
export function computeRates(before, after, seconds) {
  const rates = new Map();
  for (const [name, now] of after) {
    const then = before.get(name) ?? { total: 0, errors: 0 };
    // A counter that went down was reset (element re-created): count from zero.
    const total = now.total >= then.total ? now.total - then.total : now.total;
    const errors = now.errors >= then.errors ? now.errors - then.errors : now.errors;
    rates.set(name, { perSecond: total / seconds, errorRatio: total > 0 ? errors / total : null });
  }
  return rates;
}

/**
 * The dashboard's metrics source: samples /metrics while a page that shows rates is open.
 * `available()` is false until a scrape succeeds; `rate(level, name)` is null until two scrapes.
 */
export function createMetrics() {
  const listeners = new Set();
  let available = false;
  let previous = null;
  let rates = { router: new Map(), service: new Map() };
  let timer = 0;
  let wanted = false;
  let url = null;
  let scrapes = 0;
  let absentUntil = 0;
  let running = false;

  const scrape = async () => {
    // Metrics live on the internal entry point's root, next to /api; behind a base path they may not be routed.
    const candidates = url ? [url] : [new URL('../metrics', document.baseURI), new URL('/metrics', document.baseURI)];
    for (const candidate of candidates) {
      try {
        const response = await fetch(candidate, { headers: { accept: 'text/plain' } });
        if (!response.ok) continue;
        const samples = parsePrometheus(await response.text());
        if (!samples.some((s) => /_(service|router|entrypoint)_requests_total$/.test(s.name) || /_config_reloads_total$/.test(s.name))) continue;
        url = candidate;
        return samples;
      } catch {
        // Unreachable: try the next place, then give up quietly.
      }
    }
    return null;
  };

  const tick = async () => {
    timer = 0;
    running = true;
    const samples = await scrape();
    running = false;
    const at = performance.now();
    const wasAvailable = available;
    available = samples !== null;
    // Every page change asks for rates again; an absent /metrics is not probed again for a minute.
    if (!available) absentUntil = performance.now() + ABSENT_RETRY_MS;
    // After a long pause (no page wanted rates) an average over minutes would mislead: start over.
    if (previous && at - previous.at > STALE_MS) {
      previous = null;
      scrapes = 0;
    }
    if (samples) {
      const current = { at, router: countRequests(samples, 'router'), service: countRequests(samples, 'service') };
      if (previous) {
        scrapes = 2;
        const seconds = Math.max(0.001, (at - previous.at) / 1000);
        rates = { router: computeRates(previous.router, current.router, seconds), service: computeRates(previous.service, current.service, seconds) };
      }
      previous = current;
    }
    if (available || wasAvailable) for (const listener of listeners) listener();
    // Without /metrics there is nothing to poll for: the static configuration cannot change at run time.
    if (wanted && available) timer = setTimeout(tick, scrapes < 2 ? FIRST_INTERVAL_MS : SAMPLE_EVERY_MS);
  };

  return {
    available: () => available,
    rate: (level, name) => (available && scrapes === 2 ? (rates[level]?.get(name) ?? { perSecond: 0, errorRatio: null }) : null),
    /** Starts or stops sampling; pages that show rates want it, the others do not. */
    want(value) {
      wanted = value;
      if (value && !timer && !running && performance.now() >= absentUntil) timer = setTimeout(tick, 0);
      if (!value && timer) {
        clearTimeout(timer);
        timer = 0;
      }
    },
    /** Calls the listener after each scrape; returns an unsubscribe. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
