import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { ServerConfig } from '../../../src/config/dynamic-schema.js';

/** `host:port`, with brackets around an IPv6 address. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The servers of one Service port from its EndpointSlices. The slice port is found by the Service port's name (both
 * may be empty). Ready endpoints become servers; terminating ones still serving become `fenced` servers, which only
 * existing sticky sessions reach while the pod drains. Address and port pairs are de-duplicated (a ready copy beats a fenced one;
 * slices of one Service may name different ports for the same port name while a rollout changes it)
 * and sorted, so a re-listed slice does not reset the balancer.
 */
export function endpointServers(slices: readonly V1EndpointSlice[], portName: string, scheme: string): ServerConfig[] {
  const byAddress = new Map<string, ServerConfig>();
  for (const slice of slices) {
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (!port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const conditions = endpoint.conditions ?? {};
      const terminating = conditions.terminating === true;
      // Kubernetes: an unset condition means true (serving mirrors ready except while terminating).
      if (terminating ? conditions.serving === false : conditions.ready === false || conditions.serving === false) continue;
      for (const address of endpoint.addresses ?? []) {
        const key = joinHostPort(address, port);
        const existing = byAddress.get(key);
        if (existing && !existing.fenced) continue;
        byAddress.set(key, { url: `${scheme}://${joinHostPort(address, port)}`, ...(terminating ? { fenced: true } : {}) });
      }
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}
