import { request, type Dispatcher } from 'undici';

/** Where and how to reach a Consul agent. */
export interface ConsulTarget {
  /** `http://host:port` or `https://host:port`, without a trailing slash. */
  base: string;
  token?: string;
  datacenter?: string;
  namespace?: string;
  /** `user:password` sent as HTTP basic authentication (consulCatalog's `endpoint.httpAuth`). */
  basicAuth?: string;
  agent: Dispatcher;
}

/** One answer of a Consul read: the HTTP status, the X-Consul-Index and the decoded JSON body (undefined on 404). */
export interface ConsulAnswer<T> {
  status: number;
  index: number;
  body: T | undefined;
}

/** Turns `host:port` or a URL into the base URL; `https` when TLS options are set and no scheme is given. */
export function consulBase(endpoint: string, scheme?: string): string {
  if (/^https?:\/\//i.test(endpoint)) return endpoint.replace(/\/+$/, '');
  return `${scheme ?? 'http'}://${endpoint}`;
}

/**
 * Reads a Consul endpoint, as a blocking query when `index` > 0 (Consul's `?index=&wait=`). 404 is an
 * empty answer (an empty KV prefix); 403 and other statuses throw an Error quoting Consul's message.
 */
export async function consulGet<T>(
  target: ConsulTarget,
  path: string,
  options: { query?: Record<string, string>; index?: number; waitMs?: number; signal: AbortSignal; timeoutMs: number },
): Promise<ConsulAnswer<T>> {
  const params = new URLSearchParams(options.query ?? {});
  if (target.datacenter) params.set('dc', target.datacenter);
  if (target.namespace) params.set('ns', target.namespace);
  if (options.index && options.index > 0) {
    params.set('index', String(options.index));
    params.set('wait', `${Math.max(1, Math.round((options.waitMs ?? 300_000) / 1000))}s`);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers['x-consul-token'] = target.token;
  if (target.basicAuth) headers.authorization = `Basic ${Buffer.from(target.basicAuth).toString('base64')}`;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const qs = params.toString();
  const url = `${target.base}${path}${qs ? `?${qs}` : ''}`;
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await request(url, { method: 'GET', headers, dispatcher: target.agent, signal: AbortSignal.any([options.signal, timeout]) });
    text = await response.body.text();
  } catch (error) {
    if (timeout.aborted && !options.signal.aborted) throw new Error(`consul ${target.base}: no answer within ${options.timeoutMs} ms`);
    throw new Error(`consul ${target.base}: ${(error as Error).message}`);
  }
  const index = Number(response.headers['x-consul-index'] ?? 0) || 0;
  if (response.statusCode === 404) return { status: 404, index, body: undefined };
  if (response.statusCode === 403) throw new Error(`consul ${target.base}: access denied (403 ${text.trim() || 'Forbidden'}); check the token`);
  if (response.statusCode !== 200) throw new Error(`consul ${target.base}${path}: ${response.statusCode} ${text.trim()}`);
  try {
    return { status: 200, index, body: JSON.parse(text) as T };
  } catch {
    throw new Error(`consul ${target.base}${path}: the answer is not JSON`);
  }
}

/**
 * The index to send next, per Consul's blocking-query rules: an index that went backwards (a
 * snapshot restore, a new cluster) restarts from 0, and an index below 1 is never sent.
 */
export function nextIndex(previous: number, received: number): number {
  if (received < previous) return 0;
  return received < 1 ? 1 : received;
}
