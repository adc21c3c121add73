import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Agent } from 'undici';

/** Traefik's client `tls` block for providers that talk to a remote store (`ca`, `cert`, `key`, `insecureSkipVerify`). */
export const ClientTlsSchema = Type.Object(
  {
    ca: Type.Optional(Type.String({ description: 'CA bundle (file path or PEM text) trusted for the server. Default: the system CAs.' })),
    cert: Type.Optional(Type.String({ description: 'Client certificate (file path or PEM text). Default none.' })),
    key: Type.Optional(Type.String({ description: 'Private key of the client certificate (file path or PEM text). Default none.' })),
    insecureSkipVerify: Type.Optional(Type.Boolean({ description: "Do not verify the server's certificate. Default false." })),
  },
  { additionalProperties: false },
);

/** The options of ClientTlsSchema. */
export type ClientTls = Static<typeof ClientTlsSchema>;

function fileOrContent(value: string, key: string, baseDir: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(path.resolve(baseDir, value), 'utf8');
  } catch (error) {
    throw new Error(`${key}: cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Builds an undici pool for a provider's store; throws naming the option when a TLS file is unusable. */
export function createProviderAgent(tls: ClientTls | undefined, optionPrefix: string, baseDir: string): Agent {
  if (!tls) return new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  if (Boolean(tls.cert) !== Boolean(tls.key)) throw new Error(`${optionPrefix}.tls: cert and key must be set together`);
  const connect = {
    ...(tls.ca ? { ca: fileOrContent(tls.ca, `${optionPrefix}.tls.ca`, baseDir) } : {}),
    ...(tls.cert ? { cert: fileOrContent(tls.cert, `${optionPrefix}.tls.cert`, baseDir) } : {}),
    ...(tls.key ? { key: fileOrContent(tls.key, `${optionPrefix}.tls.key`, baseDir) } : {}),
    rejectUnauthorized: tls.insecureSkipVerify !== true,
  };
  // Timeouts are the caller's (blocking queries hang for minutes by design), so undici's own are off.
  return new Agent({ connect, headersTimeout: 0, bodyTimeout: 0 });
}
