import type { IncomingMessage } from 'node:http';
import { apiVersionOf } from './resources.js';
import { badRequest, KubeError } from './status.js';
import type { KubeObject, ResourceDef } from './types.js';

/** Reads a JSON request body (415 for other media types, 400 when it does not parse). */
export async function readJson(req: IncomingMessage): Promise<{ type: string; body: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (type === 'application/apply-patch+yaml' || !/json/.test(type)) {
    throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json`);
  }
  try {
    return { type, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded: ${(err as Error).message}`);
  }
}

// The body must be an object of the path's kind; its namespace and name must agree with the path.
export function checkBody(def: ResourceDef, body: unknown, namespace: string | undefined, name: string | undefined): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request must be an object');
  const obj = body as KubeObject;
  if (obj.kind !== undefined && obj.kind !== def.kind) throw badRequest(`the kind of the provided object (${String(obj.kind)}) does not match the path (${def.kind})`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(def)) throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(def)})`);
  obj.metadata = { ...(obj.metadata ?? {}) } as KubeObject['metadata'];
  if (def.namespaced && namespace !== undefined && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (def.namespaced && namespace !== undefined) obj.metadata.namespace = namespace;
  if (name !== undefined) {
    if (obj.metadata.name && obj.metadata.name !== name) throw badRequest('the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')');
    obj.metadata.name = name;
  }
  return obj;
}

/** Reads DeleteOptions and returns its resourceVersion precondition, if any. */
export async function readDeleteOptions(req: IncomingMessage): Promise<string | undefined> {
  if (!req.headers['content-length'] && !req.headers['transfer-encoding']) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { preconditions?: { resourceVersion?: string } }).preconditions?.resourceVersion;
  } catch {
    throw badRequest('the body of the request could not be decoded as DeleteOptions');
  }
}
