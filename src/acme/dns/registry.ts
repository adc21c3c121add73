import { execDnsProvider } from './exec.js';
import { httpreqDnsProvider } from './httpreq.js';
import type { DnsProviderFactory } from './provider.js';

const factories = new Map<string, DnsProviderFactory>([
  ['exec', execDnsProvider],
  ['httpreq', httpreqDnsProvider],
]);

/** Adds a DNS provider usable as `dnsChallenge.provider: <name>` (embedders and later issues call this before start). */
export function registerDnsProvider(name: string, factory: DnsProviderFactory): void {
  factories.set(name, factory);
}

/** The factory registered under a name, if any. */
export function dnsProviderFactory(name: string): DnsProviderFactory | undefined {
  return factories.get(name);
}

/** Names of the registered DNS providers. */
export function dnsProviderNames(): string[] {
  return [...factories.keys()].sort();
}
