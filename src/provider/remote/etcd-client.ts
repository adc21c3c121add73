import type { IOptions } from 'etcd3';
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
