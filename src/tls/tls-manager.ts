import { EventEmitter } from 'node:events';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { DynamicConfig } from '../config/dynamic-schema.js';
import type { Logger } from '../log.js';
import { CertificateStore, type AlpnChallengeHandler, type CertificateEntry, type CertificateSource } from './certificate-store.js';
import { loadCertificates } from './load-certificates.js';
import { optionsNameForHost, planTls, type PlanContext, type TlsPlan } from './tls-plan.js';
import type { BuiltTlsOptions } from './tls-options.js';
import { watchFiles, type FileWatch } from './watch-files.js';

// Go keeps TLS 1.3 suites fixed; Node would drop them when `ciphers` lists only TLS 1.2 suites.
const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/** A TLS plan plus the certificates of the configuration it came from, ready to be swapped in. */
export interface PreparedTls {
  plan: TlsPlan;
  config: DynamicConfig['tls'];
}

/**
 * The gateway's TLS state: option sets, the certificate store (configuration files, registered
 * sources such as ACME, and the default certificate) and the secure contexts built from them.
 * Every swap replaces whole immutable parts, so a handshake sees one consistent state.
 */
export class TlsManager {
  /** Emits `certificates` after every store rebuild (configuration swap, file change, source change). */
  readonly events = new EventEmitter();
  private plan: TlsPlan;
  private tlsConfig: DynamicConfig['tls'];
  private store = new CertificateStore();
  private defaultEntry: CertificateEntry | undefined;
  private readonly sources = new Map<CertificateSource, () => void>();
  private readonly challenges = new Set<AlpnChallengeHandler>();
  // Keyed by entry (kept across rebuilds while the certificate is unchanged) and by the options' content key.
  private readonly contexts = new WeakMap<CertificateEntry, Map<string, SecureContext>>();
  /** Certificate and key pairs already checked, by their PEM text (see loadCertificates). */
  private validated: ReadonlyMap<string, string[]> = new Map();
  private watch: FileWatch | undefined;

  private readonly ctx: PlanContext & { log: Logger };
  private readonly generated: { cert: string; key: string } | undefined;

  constructor(ctx: PlanContext & { log: Logger }, generated: { cert: string; key: string } | undefined) {
    this.ctx = ctx;
    this.generated = generated;
    this.plan = planTls({}, ctx);
    this.defaultEntry = generated && { names: [], ...generated, source: 'generated' };
  }

  /** Builds the TLS plan of a configuration (without swapping), so compile() can disable routers first. */
  prepare(config: DynamicConfig): PreparedTls {
    return { plan: planTls(config, this.ctx), config: config.tls };
  }

  /** Swaps in a prepared plan and reloads the configuration's certificates (and their file watches). */
  commit(prepared: PreparedTls): void {
    this.plan = prepared.plan;
    this.tlsConfig = prepared.config;
    for (const [name, message] of prepared.plan.optionErrors) this.ctx.log.error({ tlsOptions: name }, message);
    this.rebuild();
  }

  /** Adds a certificate supplier (ACME resolver, Secrets, KV); returns a function that removes it. */
  registerSource(source: CertificateSource): () => void {
    const off = source.onChange(() => this.rebuild());
    this.sources.set(source, off);
    this.rebuild();
    return () => {
      this.sources.get(source)?.();
      this.sources.delete(source);
      this.rebuild();
    };
  }

  /** Adds a TLS-ALPN-01 responder (`acme-tls/1` handshakes); returns a function that removes it. */
  registerAlpnChallenge(handler: AlpnChallengeHandler): () => void {
    this.challenges.add(handler);
    return () => this.challenges.delete(handler);
  }

  /** The challenge certificate for an `acme-tls/1` handshake, if a responder has one. */
  alpnChallenge(servername: string): { cert: string; key: string } | undefined {
    for (const handler of this.challenges) {
      const found = handler(servername);
      if (found) return found;
    }
    return undefined;
  }

  /** The option set a handshake for this server name uses; undefined when it failed to build (refuse). */
  optionsFor(servername: string | undefined): BuiltTlsOptions | undefined {
    return this.plan.options.get(optionsNameForHost(this.plan, servername));
  }

  /** The secure context for a server name under an option set; undefined when no certificate matches. */
  contextFor(options: BuiltTlsOptions, servername: string | undefined): SecureContext | undefined {
    const entry = servername ? this.store.lookup(servername) : undefined;
    const chosen = entry ?? (options.sniStrict ? undefined : this.defaultEntry);
    return chosen && this.context(chosen, options);
  }

  /** Node server options (versions, ciphers, client CAs) matching a built option set. */
  serverOptions(options: BuiltTlsOptions): { minVersion: BuiltTlsOptions['minVersion']; maxVersion?: BuiltTlsOptions['maxVersion']; ciphers?: string; ecdhCurve?: string; ca?: string[]; secureOptions: number } {
    return {
      minVersion: options.minVersion,
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.ciphers ? { ciphers: `${options.ciphers}:${TLS13_SUITES}` } : {}),
      ...(options.ecdhCurve ? { ecdhCurve: options.ecdhCurve } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      secureOptions: options.secureOptions,
    };
  }

  /** The certificate served when nothing matches (configured or generated). */
  defaultCertificate(): CertificateEntry | undefined {
    return this.defaultEntry;
  }

  /** Every certificate currently served, for the API. */
  certificates(): readonly CertificateEntry[] {
    return this.store.entries();
  }

  /** Stops watching certificate files. */
  async close(): Promise<void> {
    for (const off of this.sources.values()) off();
    await this.watch?.close();
  }

  private context(entry: CertificateEntry, options: BuiltTlsOptions): SecureContext {
    let byOptions = this.contexts.get(entry);
    if (!byOptions) this.contexts.set(entry, (byOptions = new Map()));
    let context = byOptions.get(options.key);
    if (!context) {
      context = createSecureContext({ cert: entry.cert, key: entry.key, ...this.serverOptions(options) });
      byOptions.set(options.key, context);
    }
    return context;
  }

  /** `defaultGeneratedCert`: the source certificate for its main domain, once a resolver holds one (until then the generated one). */
  private resolverDefault(store: CertificateStore): CertificateEntry | undefined {
    const wanted = (this.tlsConfig?.stores?.default as { defaultGeneratedCert?: { domain?: { main?: unknown } } } | undefined)?.defaultGeneratedCert?.domain?.main;
    if (typeof wanted !== 'string' || !wanted) return undefined;
    const entry = store.lookup(wanted.toLowerCase());
    return entry && { ...entry, source: 'default' };
  }

  private rebuild(): void {
    const loaded = loadCertificates(this.tlsConfig, this.ctx.baseDir, this.validated);
    this.validated = loaded.validated;
    for (const error of loaded.errors) this.ctx.log.error({ certificate: error.certificate }, error.message);
    // Unchanged certificates keep their entries, and with them their secure contexts and descriptions.
    const store = new CertificateStore(this.store);
    for (const c of loaded.certificates) store.addCertificate(c.names, c.cert, c.key, c.source);
    for (const source of this.sources.keys()) {
      for (const c of source.certificates()) {
        try {
          store.addCertificate(c.names, c.cert, c.key, 'source');
        } catch (error) {
          this.ctx.log.error({ err: error }, 'a certificate source supplied an unreadable certificate');
        }
      }
    }
    this.store = store;
    this.defaultEntry = loaded.defaultCertificate ?? this.resolverDefault(store) ?? (this.generated && { names: [], ...this.generated, source: 'generated' });
    const files = loaded.files.join('\n');
    if (files !== this.watch?.key) {
      void this.watch?.close();
      this.watch = loaded.files.length ? watchFiles(loaded.files, () => this.rebuild()) : undefined;
    }
    this.events.emit('certificates');
  }
}
