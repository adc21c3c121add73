import http from 'node:http';
import https from 'node:https';
import type { ServersTransportConfig } from '../config/dynamic-schema.js';
import { parseDuration } from '../duration.js';

/** Connection pools and timeouts for reaching servers, built from a `serversTransport`. */
export interface Transport {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** Milliseconds; 0 means none. */
  dialTimeout: number;
  responseHeaderTimeout: number;
  dispose(): void;
}

/** Builds a transport; pools are kept across reloads by the caller while the config is unchanged. */
export function createTransport(config: ServersTransportConfig = {}): Transport {
  const timeouts = config.forwardingTimeouts ?? {};
  const maxIdle = config.maxIdleConnsPerHost ?? 200;
  const idle = parseDuration(timeouts.idleConnTimeout ?? '90s');
  const keepAlive = maxIdle >= 0;
  const common = { keepAlive, maxFreeSockets: Math.max(maxIdle, 1), timeout: idle || undefined, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(common);
  const httpsAgent = new https.Agent({
    ...common,
    rejectUnauthorized: !config.insecureSkipVerify,
    ...(config.serverName ? { servername: config.serverName } : {}),
  });
  return {
    httpAgent,
    httpsAgent,
    dialTimeout: parseDuration(timeouts.dialTimeout ?? '30s'),
    responseHeaderTimeout: parseDuration(timeouts.responseHeaderTimeout ?? 0),
    dispose() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
