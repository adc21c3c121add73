import { openEtcdPrefixSession } from '../../src/provider/remote/etcd-client.js';
import type { Logger } from '../../src/log.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import type { Provider } from '../../src/provider/provider.js';
import { createKvProvider } from '../../src/provider/kv/index.js';
import type { KvTls } from '../../src/provider/kv/static-options.js';

/** Resolved options of one etcd provider. */
export interface EtcdProviderOptions {
  endpoints: string[];
  rootKey: string;
  auth?: { username: string; password: string };
  tls?: KvTls;
  log: Logger;
  middlewares?: MiddlewareRegistry;
  /** Time allowed to reach a member. Default 5 s. */
  dialTimeoutMs?: number;
}

/**
 * Creates the etcd provider. Each session reads the current revision, watches the root prefix from
 * the next one (so nothing between the read and the watch is missed), and reads the prefix whole on
 * every change. A watch that loses its stream ends the session instead of letting the client replay
 * silently, so the provider state shows the outage and the next session starts from a fresh read.
 */
export function createEtcdProvider(options: EtcdProviderOptions): Provider {
  // As written (a leading slash included), so keys stored as `/traefik/…` are found with rootKey `/traefik`.
  const prefix = `${options.rootKey.replace(/\/+$/, '')}/`;
  if (options.tls?.insecureSkipVerify) options.log.warn({ provider: 'etcd' }, 'providers.etcd.tls.insecureSkipVerify is not supported by the gRPC client; the certificate is verified');

  const open = () => openEtcdPrefixSession(options, prefix);

  return createKvProvider({ name: 'etcd', rootKey: options.rootKey, log: options.log, open, ...(options.middlewares && { middlewares: options.middlewares }) });
}
