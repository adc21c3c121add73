import type { Server } from 'node:net';
import { INTERNAL_ENTRY_POINT } from '../config/static-types.js';
import type { EntryPoint } from '../entrypoint/entry-point.js';
import type { InternalServer } from '../internal/internal-server.js';
import type { Adopt } from './take-over.js';

/** Asks the old process for its listening sockets (see takeOverListeners); resolves with the names received. */
export type TakeOver = (adopt: Adopt) => Promise<string[]>;

/** What taking over from the old process needs. */
export interface TakeOverPlan {
  takeOver: TakeOver;
  entryPoints: EntryPoint[];
  internal: InternalServer | undefined;
  /** True once every provider's first configuration is in service. */
  ready: () => boolean;
  readyTimeoutMs: number;
}

/**
 * Waits until the configuration is in service (a process accepting on a shared socket before that would
 * answer 404s), then adopts the old process's sockets; entry points it did not have (new in the static
 * configuration) bind their address as usual. Throws when readiness does not come in time.
 */
export async function takeOverFromOldProcess(plan: TakeOverPlan): Promise<void> {
  const deadline = Date.now() + plan.readyTimeoutMs;
  while (!plan.ready()) {
    if (Date.now() > deadline) throw new Error(`the configuration was not ready within ${plan.readyTimeoutMs} ms; the running process keeps serving`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const adopted = await plan.takeOver((name: string, handle: Server) => {
    if (name === INTERNAL_ENTRY_POINT && plan.internal) return plan.internal.adopt(handle);
    const ep = plan.entryPoints.find((e) => e.name === name);
    // An entry point removed from the static configuration: its socket closes with the old process.
    if (ep) ep.adopt(handle);
    else handle.close();
  });
  for (const ep of plan.entryPoints) if (!adopted.includes(ep.name)) await ep.listen();
  if (plan.internal && !adopted.includes(INTERNAL_ENTRY_POINT)) await plan.internal.listen();
}

/** The listening sockets of a running gateway by entry point name, to hand to the next process. */
export function listeningSockets(entryPoints: EntryPoint[], internal: InternalServer | undefined): Map<string, Server> {
  const sockets = new Map<string, Server>(entryPoints.map((ep) => [ep.name, ep.listeningServer()]));
  if (internal?.server.listening) sockets.set(INTERNAL_ENTRY_POINT, internal.server);
  return sockets;
}
