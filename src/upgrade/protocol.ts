/**
 * Set in the environment of a process started by an upgrade: the pid of the process handing over.
 * Not under the SWITCHYARD_ prefix, which is read as static configuration.
 */
export const HANDOFF_ENV = 'SY_HANDOFF_PARENT';

/** Messages the running (old) process sends to the new one over the IPC channel. */
export type ParentMessage = { type: 'listener'; name: string } | { type: 'listeners-sent'; names: string[] };

/** Messages the new process sends to the old one. */
export type ChildMessage = { type: 'want-listeners' } | { type: 'ready'; pid: number } | { type: 'failed'; message: string };

/** True for an object that looks like a message of this protocol. */
export function isMessage(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
