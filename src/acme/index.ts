import type { DynamicConfig } from '../config/dynamic-schema.js';
import type { StaticConfig } from '../config/static-types.js';
import type { Logger } from '../log.js';
import type { CompiledRouter } from '../routing/table.js';
import type { AlpnChallengeHandler, CertificateSource } from '../tls/certificate-store.js';
import { syError } from '../errors.js';
import { limitAcmeRequestTime, trustAcmeCas } from './acme-client.js';
import type { AcmeCertificateInfo } from './certificate-info.js';
import { createChallengeResponders, type AlpnChallengeCertificate } from './challenges.js';
import { wantedDomains, isWildcard } from './domains.js';
import { dnsProviderFactory, dnsProviderNames } from './dns/registry.js';
import { acmeHttpRouter, type HttpChallengeLookup } from './http-challenge-router.js';
import { createOrderQueue } from './order-queue.js';
import { acmeResolverConfigs } from './resolver-config.js';
import { createAcmeResolver, type AcmeResolver } from './resolver.js';
import type { StorageBackend } from './storage.js';
import { createStorage, storageIdentity } from './storage-factory.js';

// The surface embedders use to add DNS providers and storage backends.
export { registerDnsProvider } from './dns/registry.js';
export { dnsRecord } from './dns/provider.js';
export type { DnsProvider, DnsProviderFactory } from './dns/provider.js';
export type { StorageBackend } from './storage.js';
export { registerStorageBackend, type StorageBackendFactory, type StorageLocation } from './storage-factory.js';
export type { AcmeCertificateInfo } from './certificate-info.js';
export type { AlpnChallengeCertificate } from './challenges.js';

/** What starting ACME needs. */
export interface AcmeOptions {
  config: StaticConfig;
  /** Relative storage and CA paths resolve against this. */
  baseDir: string;
  log: Logger;
  /** Environment the DNS providers read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Storage backend for a storage setting (default: by scheme, else the file backend; files arrive as absolute paths). */
  storage?: (storage: string) => StorageBackend;
}

/** The ACME side of a gateway: every resolver, the challenge answers and the certificates they hold. */
export interface Acme {
  resolvers: AcmeResolver[];
  /** Certificates for the TLS manager. */
  source: CertificateSource;
  /** The key authorization for an HTTP-01 token, or undefined. */
  acmeHttpChallengeHandler(token: string): string | undefined;
  /** The TLS-ALPN-01 certificate for a server name, for the TLS manager's acme-tls/1 hook. */
  alpnChallenge: AlpnChallengeHandler;
  /** `acme-http@internal` on every entry point an httpChallenge names. */
  internalRouters(): CompiledRouter[];
  /** Worker mode: `relay` runs after every change of the pending answers with the TLS-ALPN-01 certificates, and orders wait for it before the CA validates; returns a function that removes it. */
  relayChallenges(relay: (alpn: AlpnChallengeCertificate[]) => Promise<void>): () => void;
  /** Orders what a newly applied configuration wants. */
  apply(config: DynamicConfig): void;
  /** Every held certificate, for the API. */
  certificates(): AcmeCertificateInfo[];
  /** Loads stored certificates (call before serving, so they are used at once: #7869). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the resolvers of `certificatesResolvers.*.acme`; throws on a resolver that cannot work. */
export function createAcme(options: AcmeOptions): Acme {
  const { config, baseDir, log } = options;
  const env = options.env ?? process.env;
  const responders = createChallengeResponders();
  const configs = acmeResolverConfigs(config.certificatesResolvers);
  const storages = new Map<string, StorageBackend>();
  const storageFor = (name: string, where: string) => {
    const id = storageIdentity(name, baseDir);
    try {
      if (!storages.has(id)) storages.set(id, options.storage ? options.storage(id) : createStorage(name, baseDir));
    } catch (error) {
      throw syError('SY_ERR_STATIC_INVALID', `${where}.storage: ${(error as Error).message}`);
    }
    return storages.get(id)!;
  };
  const resolvers = configs.map((rc) => {
    const where = `certificatesResolvers.${rc.name}.acme`;
    if (rc.httpChallenge && !config.entryPoints[rc.httpChallenge.entryPoint]) throw syError('SY_ERR_STATIC_INVALID', `${where}.httpChallenge.entryPoint: no entry point "${rc.httpChallenge.entryPoint}"`);
    let dns;
    if (rc.dnsChallenge) {
      const factory = dnsProviderFactory(rc.dnsChallenge.provider);
      if (!factory) throw syError('SY_ERR_STATIC_INVALID', `${where}.dnsChallenge.provider: unknown DNS provider "${rc.dnsChallenge.provider}" (known: ${dnsProviderNames().join(', ')})`);
      try {
        dns = factory(env);
      } catch (error) {
        throw syError('SY_ERR_STATIC_INVALID', `${where}.dnsChallenge: ${(error as Error).message}`);
      }
    }
    if (rc.caCertificates.length || process.env.NODE_EXTRA_CA_CERTS) trustAcmeCas(rc.caCertificates, baseDir);
    limitAcmeRequestTime(rc.clientTimeout);
    const queue = createOrderQueue(rc.throttle);
    return { queue, resolver: createAcmeResolver(rc, { storage: storageFor(rc.storage, where), queue, responders, ...(dns && { dns }), log: log.child({ component: 'acme' }) }) };
  });
  const byName = new Map(resolvers.map((r) => [r.resolver.name, r.resolver]));
  const httpEntryPoints = httpChallengeEntryPoints(configs);
  const warned = new Set<string>();

  return {
    resolvers: resolvers.map((r) => r.resolver),
    source: {
      certificates: () => resolvers.flatMap((r) => r.resolver.held()),
      onChange(listener) {
        const offs = resolvers.map((r) => r.resolver.onChange(listener));
        return () => offs.forEach((off) => off());
      },
    },
    acmeHttpChallengeHandler: responders.httpChallenge,
    alpnChallenge: responders.alpnChallenge,
    internalRouters: () => httpEntryPoints.map((ep) => acmeHttpRouter(ep, responders.httpChallenge)),
    relayChallenges: (relay) => responders.relay(() => relay(responders.alpnCertificates())),
    apply(dynamic) {
      const wanted = wantedDomains(dynamic, config.entryPoints, config.defaultEntryPoints);
      for (const [name, domains] of wanted) {
        const resolver = byName.get(name);
        const rc = configs.find((c) => c.name === name);
        if (!resolver || !rc) {
          if (!warned.has(name)) log.error({ resolver: name }, `routers use certificate resolver "${name}", which is not defined`);
          warned.add(name);
          continue;
        }
        const usable = domains.filter((d) => rc.dnsChallenge || ![d.main, ...d.sans].some(isWildcard));
        const usableSet = new Set(usable);
        for (const d of domains.filter((x) => !usableSet.has(x))) log.error({ resolver: name, domain: d.main }, 'wildcard certificates need a dnsChallenge; not ordered');
        resolver.want(usable);
      }
      for (const r of resolvers) if (!wanted.has(r.resolver.name)) r.resolver.want([]);
    },
    certificates: () => resolvers.flatMap((r) => r.resolver.info()),
    async start() {
      await Promise.all(resolvers.map((r) => r.resolver.start()));
    },
    async close() {
      for (const r of resolvers) r.queue.close();
      await Promise.all(resolvers.map((r) => r.resolver.close()));
      await Promise.all([...storages.values()].map((s) => s.close?.()));
    },
  };
}

/** `acme-http@internal` on every entry point an httpChallenge names, answered by `answer` (a worker asks its control process). */
export function acmeHttpRouters(config: StaticConfig, answer: HttpChallengeLookup): CompiledRouter[] {
  return httpChallengeEntryPoints(acmeResolverConfigs(config.certificatesResolvers)).map((ep) => acmeHttpRouter(ep, answer));
}

function httpChallengeEntryPoints(configs: ReturnType<typeof acmeResolverConfigs>): string[] {
  return [...new Set(configs.flatMap((c) => (c.httpChallenge ? [c.httpChallenge.entryPoint] : [])))];
}
