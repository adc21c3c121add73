import { parseDocument } from 'yaml';
import { request, type Dispatcher } from 'undici';
import { quickYaml } from '../../src/config/quick-yaml.js';

/** One poll's outcome: new content with its ETag, or "unchanged" after a 304. */
export type FetchOutcome = { changed: false } | { changed: true; value: Record<string, unknown>; etag?: string };

/** What one poll needs. */
export interface FetchOptions {
  endpoint: string;
  headers: Record<string, string>;
  etag?: string;
  timeoutMs: number;
  maxBodySize: number;
  agent: Dispatcher;
  signal: AbortSignal;
}

/**
 * Fetches the configuration once; throws an Error saying what went wrong (status, timeout, size,
 * parse error). The body is decoded as YAML when the Content-Type names YAML, else as JSON.
 */
export async function fetchConfig(options: FetchOptions): Promise<FetchOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const headers: Record<string, string> = { accept: 'application/json, application/yaml;q=0.9', ...options.headers };
  if (options.etag) headers['if-none-match'] = options.etag;
  let text: string;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(options.endpoint, { method: 'GET', headers, dispatcher: options.agent, signal });
    if (response.statusCode === 304) {
      await response.body.dump();
      return { changed: false };
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`${options.endpoint} answered ${response.statusCode}`);
    }
    text = await readLimited(response.body, options.maxBodySize, options.endpoint);
  } catch (error) {
    if (timeout.aborted && !options.signal.aborted) throw new Error(`${options.endpoint}: no complete answer within ${options.timeoutMs} ms`);
    throw error;
  }
  const type = String(response.headers['content-type'] ?? '').toLowerCase();
  const value = /yaml|yml/.test(type) ? parseYaml(text) : parseJson(text);
  const etag = response.headers.etag;
  return { changed: true, value, ...(typeof etag === 'string' ? { etag } : {}) };
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }, max: number, endpoint: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (max >= 0 && size > max) {
      body.destroy();
      throw new Error(`${endpoint}: the body is larger than maxResponseBodySize (${max} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new Error(`the body is not JSON: ${(error as Error).message}`);
  }
  return asMapping(value);
}

function parseYaml(text: string): Record<string, unknown> {
  const quick = quickYaml(text);
  if (quick !== undefined) return asMapping(quick);
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors[0]) throw new Error(`the body is not YAML: ${doc.errors[0].message.split('\n')[0]}`);
  // maxAliasCount bounds alias expansion: the endpoint is untrusted input.
  return asMapping(doc.toJS({ maxAliasCount: 100 }));
}

function asMapping(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('the body must be a mapping (an object at the top level)');
  return value as Record<string, unknown>;
}
