import { groupResource } from './resources.js';
import type { ResourceDef } from './types.js';

/** An error the fake answers with a `kind: Status` body, as the apiserver does. */
export class KubeError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The `Status` object for the response body. */
  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

/** A `kind: Status` body; `code < 400` makes it a Success status. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure' };
  if (message) body.message = message;
  if (reason) body.reason = reason;
  if (details) body.details = details;
  body.code = code;
  return body;
}

const details = (def: ResourceDef, name: string) => ({ name, ...(def.group ? { group: def.group } : {}), kind: def.plural });

/** `404 NotFound`: `ingresses.networking.k8s.io "web" not found`. */
export function notFound(def: ResourceDef, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${groupResource(def)} "${name}" not found`, details(def, name));
}

/** `409 AlreadyExists` for a create of an existing name. */
export function alreadyExists(def: ResourceDef, name: string): KubeError {
  return new KubeError(409, 'AlreadyExists', `${groupResource(def)} "${name}" already exists`, details(def, name));
}

/** `409 Conflict` for a write with a stale `metadata.resourceVersion`. */
export function conflict(def: ResourceDef, name: string): KubeError {
  return new KubeError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(def, name),
  );
}

/** `400 BadRequest` with a free-form message. */
export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}

/** `422 Invalid` for an object that fails validation. */
export function invalid(def: ResourceDef, name: string, message: string): KubeError {
  return new KubeError(422, 'Invalid', `${def.kind} "${name}" is invalid: ${message}`, details(def, name));
}

/** `410 Expired` for a resourceVersion older than the kept history. */
export function expired(message: string): KubeError {
  return new KubeError(410, 'Expired', message);
}

/** The apiserver's answer to a path it does not serve. */
export function pathNotFound(): KubeError {
  return new KubeError(404, 'NotFound', 'the server could not find the requested resource');
}
