import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { SecureVersion } from 'node:tls';
import type { ServersTransportConfig } from '../config/dynamic-schema.js';
import { parseDuration } from '../duration.js';
import { opensslCiphers } from '../tls/cipher-suites.js';

/** Connection pools and timeouts for reaching servers, built from a `serversTransport`. */
export interface Transport {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** Milliseconds; 0 means none. */
  dialTimeout: number;
  responseHeaderTimeout: number;
  /** `disableHTTP2`: https servers are spoken to in HTTP/1.1 only (no ALPN `h2`). */
  disableHTTP2?: boolean;
  /** `readIdleTimeout` / `pingTimeout` in ms: the HTTP/2 connection PING interval (0 = none) and its answer deadline. */
  http2Ping?: { interval: number; timeout: number };
  /** Registers a callback run by `dispose` (the HTTP/2 session pools close their sessions there). */
  onDispose?(callback: () => void): void;
  dispose(): void;
}

// Traefik's names (Go's tls constants) for the TLS versions Node can negotiate.
const TLS_VERSIONS: Record<string, SecureVersion> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

/** A PEM given inline, or read from the file it names (Traefik accepts both). */
export function pemOf(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function tlsVersion(name: string | undefined, key: string): SecureVersion | undefined {
  if (name === undefined) return undefined;
  const version = TLS_VERSIONS[name];
  if (!version) throw new Error(`${key}: unknown TLS version "${name}" (use one of ${Object.keys(TLS_VERSIONS).join(', ')})`);
  return version;
}

/** Builds a transport; throws an Error naming the key when a file or value is unusable. Pools are kept across reloads by the caller while the config is unchanged. */
export function createTransport(config: ServersTransportConfig = {}): Transport {
  const timeouts = config.forwardingTimeouts ?? {};
  // Traefik: 0 means Go's default of 2 idle connections per host; negative disables reuse.
  const maxIdle = config.maxIdleConnsPerHost === 0 ? 2 : (config.maxIdleConnsPerHost ?? 200);
  const idle = parseDuration(timeouts.idleConnTimeout ?? '90s');
  const keepAlive = maxIdle > 0;
  const common = { keepAlive, maxFreeSockets: Math.max(maxIdle, 1), timeout: idle || undefined, scheduling: 'lifo' as const };
  const certificates = config.certificates ?? [];
  const first = certificates[0];
  const httpsAgent = new https.Agent({
    ...common,
    rejectUnauthorized: !config.insecureSkipVerify,
    ...(config.serverName ? { servername: config.serverName } : {}),
    ...(config.rootCAs?.length ? { ca: config.rootCAs.map((ca, i) => pemOf(ca, `rootCAs[${i}]`)) } : {}),
    ...(first ? { cert: pemOf(first.certFile, 'certificates[0].certFile'), key: pemOf(first.keyFile, 'certificates[0].keyFile') } : {}),
    ...(config.cipherSuites?.length ? { ciphers: opensslCiphers(config.cipherSuites, 'cipherSuites') } : {}),
    minVersion: tlsVersion(config.minVersion, 'minVersion') ?? 'TLSv1.2',
    ...(config.maxVersion ? { maxVersion: tlsVersion(config.maxVersion, 'maxVersion') } : {}),
  });
  const httpAgent = new http.Agent(common);
  const disposers: Array<() => void> = [];
  return {
    httpAgent,
    httpsAgent,
    dialTimeout: parseDuration(timeouts.dialTimeout ?? '30s'),
    responseHeaderTimeout: parseDuration(timeouts.responseHeaderTimeout ?? 0),
    disableHTTP2: config.disableHTTP2 === true,
    http2Ping: { interval: parseDuration(timeouts.readIdleTimeout ?? 0), timeout: parseDuration(timeouts.pingTimeout ?? '15s') },
    onDispose: (callback) => void disposers.push(callback),
    dispose() {
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const callback of disposers.splice(0)) callback();
    },
  };
}
