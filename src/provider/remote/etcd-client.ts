import type { IOptions, Watcher } from 'etcd3';
import { loadEtcd3 } from '../../lazy-modules.js';
import type { KvSession } from '../kv/index.js';
import type { KvTls } from '../kv/static-options.js';

/** What reaching etcd needs, shared by the etcd KV provider and the etcd registry. */
export interface EtcdConnection {
  endpoints: string[];
  auth?: { username: string; password: string };
  tls?: KvTls;
  /** Time allowed to reach a member. Default 5 s. */
  dialTimeoutMs?: number;
}

/** The etcd3 client options for a connection: bare `host:port` endpoints get the scheme the TLS setting implies. */
export function etcdClientOptions(connection: EtcdConnection): IOptions {
  const { tls } = connection;
  return {
    hosts: connection.endpoints.map((endpoint) => (/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `${tls ? 'https' : 'http'}://${endpoint}`)),
    dialTimeout: connection.dialTimeoutMs ?? 5000,
    ...(connection.auth && { auth: connection.auth }),
    ...(tls && {
      credentials: {
        // grpc-js falls back to the system roots when no CA is given; the typing insists on a Buffer.
        rootCertificate: (tls.ca !== undefined ? Buffer.from(tls.ca) : null) as Buffer,
        ...(tls.key !== undefined && { privateKey: Buffer.from(tls.key) }),
        ...(tls.cert !== undefined && { certChain: Buffer.from(tls.cert) }),
      },
    }),
  };
}

/** The first line of an etcd (gRPC) error: the long "details" tail is noise to an operator. */
export function describeEtcdError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

/**
 * Opens a session on every key under `prefix`: it reads the current revision, watches from the next
 * one and pins its first read to that revision, so no change between the read and the watch is
 * missed; later reads take the latest values. A lost, failed or ended watch reports through `lost`.
 */
export async function openEtcdPrefixSession(connection: EtcdConnection, prefix: string): Promise<KvSession> {
  const where = connection.endpoints.join(',');
  const client = new (loadEtcd3().Etcd3)(etcdClientOptions(connection));
  let revision: bigint;
  try {
    revision = BigInt((await client.get(prefix).exec()).header.revision);
  } catch (error) {
    client.close();
    throw new Error(`etcd ${where}: ${describeEtcdError(error)}`);
  }
  let watcher: Watcher | undefined;
  let listed = false;
  return {
    async watch(changed, lost) {
      watcher = await client.watch().prefix(prefix).startRevision(String(revision + 1n)).create();
      watcher.on('put', changed).on('delete', changed);
      watcher.on('disconnected', (error) => lost(new Error(`etcd ${where}: connection lost: ${describeEtcdError(error)}`)));
      watcher.on('error', (error) => lost(new Error(`etcd ${where}: watch failed: ${describeEtcdError(error)}`)));
      watcher.on('end', () => lost(new Error(`etcd ${where}: watch ended`)));
    },
    async list() {
      try {
        const read = client.getAll().prefix(prefix);
        const values = await (listed ? read : read.revision(String(revision))).strings();
        listed = true;
        return Object.entries(values).map(([key, value]) => ({ key, value }));
      } catch (error) {
        throw new Error(`etcd ${where}: ${describeEtcdError(error)}`);
      }
    },
    async close() {
      watcher?.removeAllListeners();
      await watcher?.cancel().catch(() => undefined);
      client.close();
    },
  };
}
