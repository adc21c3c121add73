/** Label values of one series. */
export type Labels = Record<string, string>;

/** What removing a series needs of a prom-client metric. */
interface PromMetric {
  remove(labels: Labels): void;
}

/** Which dynamic element a series belongs to; series of entry points are never stale. */
export interface SeriesOwner {
  router?: string;
  service?: string;
}

interface Tracked {
  metric: PromMetric;
  labels: Labels;
  owner: SeriesOwner;
}

/**
 * Remembers the label sets written for routers and services, so that the series of an element that
 * left the configuration are removed right after a scrape has shown their last values (Traefik's
 * semantics: a removed element's series disappear after the next scrape).
 */
export class StaleSeries {
  readonly #series = new Map<string, Tracked>();

  /** Records that `metric` has a series with `labels`, owned by a router and/or a service. */
  note(metricName: string, metric: PromMetric, labels: Labels, owner: SeriesOwner): void {
    const key = `${metricName}\u0000${Object.values(labels).join('\u0000')}`;
    if (!this.#series.has(key)) this.#series.set(key, { metric, labels, owner });
  }

  /** Removes every series whose router or service `live` no longer knows; returns how many went. */
  sweep(live: { routers: ReadonlySet<string>; services: ReadonlySet<string> }): number {
    let removed = 0;
    for (const [key, tracked] of this.#series) {
      const { router, service } = tracked.owner;
      const gone = (router !== undefined && !live.routers.has(router)) || (service !== undefined && !live.services.has(service));
      if (!gone) continue;
      tracked.metric.remove(tracked.labels);
      this.#series.delete(key);
      removed++;
    }
    return removed;
  }
}
