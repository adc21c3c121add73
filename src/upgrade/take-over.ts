import type { Server } from 'node:net';
import { HANDOFF_ENV, isMessage, type ChildMessage } from './protocol.js';

/** Adopts one received listening socket; must start accepting on it before returning (see takeOverListeners). */
export type Adopt = (name: string, handle: Server) => void;

/** True when this process was started by an upgrade and can ask its parent for the listening sockets. */
export function startedByUpgrade(): boolean {
  return typeof process.send === 'function' && process.env[HANDOFF_ENV] !== undefined;
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, undefined, () => resolve());
  });
}

/**
 * Asks the old process for its listening sockets and calls `adopt` for each as it arrives. Node hands
 * a received server over already listening with no connection listener, so `adopt` re-points the
 * handle synchronously, before the event loop could deliver a connection to nobody. Resolves with the
 * names received.
 */
export function takeOverListeners(adopt: Adopt, timeoutMs = 30_000): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no listening sockets received within ${timeoutMs} ms`)), timeoutMs);
    const received: string[] = [];
    const done = (error?: Error): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(received);
    };
    const onMessage = (message: unknown, handle: unknown): void => {
      if (!isMessage(message)) return;
      if (message.type === 'listener' && handle) {
        const name = String((message as { name?: unknown }).name);
        try {
          adopt(name, handle as Server);
          received.push(name);
        } catch (error) {
          done(error as Error);
        }
      } else if (message.type === 'listeners-sent') {
        done();
      }
    };
    process.on('message', onMessage);
    void send({ type: 'want-listeners' });
  });
}

/** Tells the old process that this one serves, then closes the IPC channel so neither keeps the other alive. */
export async function reportReady(): Promise<void> {
  await send({ type: 'ready', pid: process.pid });
  process.disconnect?.();
}

/** Tells the old process that start-up failed (it then kills this one and keeps serving). */
export async function reportFailed(message: string): Promise<void> {
  await send({ type: 'failed', message });
}
