import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Type, type Static } from '@sinclair/typebox';
import { pemOf } from '../../proxy/transport.js';

/** `providers.<kv>.tls`: Traefik's client TLS options for a KV store. */
export const KvTlsSchema = Type.Object(
  {
    ca: Type.Optional(Type.String({ description: 'CA certificate (file path or PEM) the store is verified with. Default: system roots.' })),
    cert: Type.Optional(Type.String({ description: 'Client certificate (file path or PEM). Default none.' })),
    key: Type.Optional(Type.String({ description: 'Client private key (file path or PEM). Default none.' })),
    insecureSkipVerify: Type.Optional(Type.Boolean({ description: 'Do not verify the store\'s certificate. Default false.' })),
  },
  { additionalProperties: false, description: 'TLS to the store. Default: plain TCP.' },
);

/** The `tls` options as written. */
export type KvTlsOptions = Static<typeof KvTlsSchema>;

/** The `tls` options with their PEMs loaded. */
export interface KvTls {
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify: boolean;
}

/** Loads the PEMs named by `tls` (paths resolve against baseDir); throws naming the option when one is unreadable. */
export function loadKvTls(tls: KvTlsOptions, baseDir: string, provider: string): KvTls {
  const load = (value: string | undefined, option: string) => {
    if (value === undefined) return undefined;
    return pemOf(value.includes('-----BEGIN') ? value : path.resolve(baseDir, value), `providers.${provider}.tls.${option}`);
  };
  return { ca: load(tls.ca, 'ca'), cert: load(tls.cert, 'cert'), key: load(tls.key, 'key'), insecureSkipVerify: tls.insecureSkipVerify ?? false };
}

/** Node TLS options for a loaded `tls`: only the PEMs it has, and verification unless skipped. */
export function kvTlsConnection(tls: KvTls): ConnectionOptions {
  return { ...(tls.ca && { ca: tls.ca }), ...(tls.cert && { cert: tls.cert }), ...(tls.key && { key: tls.key }), rejectUnauthorized: !tls.insecureSkipVerify };
}
