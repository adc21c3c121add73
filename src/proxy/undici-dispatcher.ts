import type { ConnectionOptions } from 'node:tls';
import { Agent } from 'undici';
import type { Transport } from './transport.js';

// The TLS settings a transport's https.Agent was built with; the rest of its options are pool settings.
const TLS_KEYS = ['ca', 'cert', 'key', 'ciphers', 'minVersion', 'maxVersion', 'servername', 'rejectUnauthorized'] as const;

const agents = new WeakMap<Transport, Agent>();

/** The TLS options of a transport, read from its https.Agent so both forwarders verify servers the same way. */
export function transportTlsOptions(transport: Transport): ConnectionOptions {
  const source = transport.httpsAgent.options as Record<string, unknown>;
  const tls: Record<string, unknown> = {};
  for (const key of TLS_KEYS) if (source[key] !== undefined) tls[key] = source[key];
  return tls as ConnectionOptions;
}

/**
 * Builds the undici Agent for a transport from the same settings as its Node agents: dial timeout,
 * idle timeout, keep-alive off when `maxIdleConnsPerHost` is negative, and the TLS options.
 */
export function createUndiciAgent(transport: Transport): Agent {
  const http = transport.httpAgent as unknown as { keepAlive: boolean; options: { timeout?: number } };
  const idle = http.options.timeout ?? 90_000;
  return new Agent({
    connect: { ...transportTlsOptions(transport), timeout: transport.dialTimeout || 0 },
    // undici's own timers stay off: responseHeaderTimeout is armed by the exchange once the request is sent, as in Go.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: idle,
    keepAliveMaxTimeout: idle,
    // undici disables connection reuse with pipelining 0.
    pipelining: http.keepAlive ? 1 : 0,
  });
}

/** The undici Agent of a transport, created on first use and closed with the transport. */
export function undiciAgentFor(transport: Transport): Agent {
  let agent = agents.get(transport);
  if (agent) return agent;
  const created = createUndiciAgent(transport);
  agents.set(transport, created);
  transport.onDispose?.(() => {
    agents.delete(transport);
    // Like the Node agents, in-flight exchanges end with the transport.
    void created.destroy().catch(() => undefined);
  });
  agent = created;
  return agent;
}
