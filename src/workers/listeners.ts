import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { StaticConfig } from '../config/static-types.js';
import { parseAddress } from '../entrypoint/listen-address.js';
import { servedEntryPoints } from '../gateway-entry-points.js';

/** A bound TCP socket handle (libuv's, as `net.Server#_handle`): sendable over IPC, adopted with `server.listen(handle)`. */
export type ListeningHandle = object;

// Node's own bind without listen, the one cluster's primary uses for SCHED_NONE.
type CreateServerHandle = (address: string | null, port: number, addressType: number, fd?: number) => ListeningHandle | number;

/**
 * Binds every public entry point's address (or those in `names`) in the control process without accepting on it.
 *
 * Why the control process owns the sockets instead of letting cluster bind them on each worker's
 * listen(): an upgrade has to pass the listening sockets to the next control process (as a single
 * process does, so the kernel socket and its accept queue never close), and cluster keeps its handles
 * private. A handle that is only bound is not polled here (only a worker's listen() starts accepting),
 * so no connection ever waits on the control process; each worker receives the handle over IPC and
 * listens on it directly (`listen(handle)` is exclusive, cluster is not asked). After an upgrade the new
 * control process holds the handles it received the same way, and its workers adopt them the same way.
 */
export async function bindPublicHandles(config: StaticConfig, names?: string[]): Promise<Map<string, ListeningHandle>> {
  const create = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;
  const handles = new Map<string, ListeningHandle>();
  try {
    for (const ep of servedEntryPoints(config)) {
      if (names && !names.includes(ep.name)) continue;
      const { host, port } = parseAddress(ep.address);
      const address = !host ? null : net.isIP(host) ? host : (await lookup(host)).address;
      const handle = create(address, port, address === null ? 4 : net.isIP(address));
      if (typeof handle === 'number') throw new Error(`listen ${getSystemErrorName(handle)} ${ep.address} (entry point ${ep.name})`);
      handles.set(ep.name, handle);
      // libuv defers EADDRINUSE from bind to listen, which only a worker calls: a socket left unbound shows it here.
      const bound: { port?: number } = {};
      (handle as { getsockname(out: object): number }).getsockname(bound);
      if (!bound.port) throw new Error(`listen EADDRINUSE: address already in use ${ep.address} (entry point ${ep.name})`);
    }
  } catch (error) {
    closeHandles(handles);
    throw error;
  }
  return handles;
}

/** Closes this process's copy of each handle (the kernel socket stays open while another process holds it). */
export function closeHandles(handles: Map<string, ListeningHandle>): void {
  for (const handle of handles.values()) (handle as { close?: () => void }).close?.();
  handles.clear();
}

/** True for a handle received over IPC as a raw socket handle, not as an accepting `net.Server`. */
export function isRawHandle(handle: unknown): boolean {
  return typeof handle === 'object' && handle !== null && !(handle instanceof net.Server);
}
