import { spawn } from 'node:child_process';
import type { Server } from 'node:net';
import type { Logger } from '../log.js';
import { HANDOFF_ENV, isMessage, type ParentMessage } from './protocol.js';

/** What handing the listening sockets to a new process needs. */
export interface HandOverOptions {
  /** Listening servers by entry point name (the internal one included); in worker mode the public ones are raw bound handles. */
  listeners: ReadonlyMap<string, Server | object>;
  log: Logger;
  /** How long the new process may take to become ready (ms). */
  timeoutMs?: number;
  /** The command line of the new process; default: this process's own (same node, flags, script and arguments). */
  command?: { file: string; args: string[] };
}

/**
 * Starts a new gateway process with this one's command line and an IPC channel, passes it every
 * listening socket once it asks (it asks only when its configuration is ready), and resolves with its
 * pid when it reports that it serves. The kernel socket stays open throughout, so its accept queue is
 * never reset (security reference §1.3). On failure the new process is killed and this one keeps serving.
 */
export function handOver(options: HandOverOptions): Promise<number> {
  const { listeners, log } = options;
  const command = options.command ?? { file: process.execPath, args: [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)] };
  // Not detached: the new process outlives this one anyway (nothing ties a child's life to its parent's on
  // POSIX), and staying in the process group keeps Ctrl-C working in a terminal.
  const child = spawn(command.file, command.args, {
    cwd: process.cwd(),
    env: { ...process.env, [HANDOFF_ENV]: String(process.pid) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`the new process was not ready within ${options.timeoutMs ?? 60_000} ms`)), options.timeoutMs ?? 60_000);
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      finish();
      child.kill('SIGKILL');
      reject(error);
    };
    const send = (message: ParentMessage, handle?: Server | object): void => {
      child.send(message, handle as Server | undefined, (error) => error && fail(error));
    };
    const onMessage = (message: unknown): void => {
      if (!isMessage(message)) return;
      if (message.type === 'want-listeners') {
        for (const [name, server] of listeners) send({ type: 'listener', name }, server);
        send({ type: 'listeners-sent', names: [...listeners.keys()] });
        log.info({ pid: child.pid, listeners: [...listeners.keys()] }, 'upgrade: listening sockets passed to the new process');
      } else if (message.type === 'ready') {
        finish();
        // The new process closes the channel itself; an 'error' from this handle later must not crash us.
        child.on('error', () => {});
        if (child.connected) child.disconnect();
        child.unref();
        resolve(child.pid!);
      } else if (message.type === 'failed') {
        fail(new Error(`the new process failed: ${(message as { message?: string }).message ?? 'unknown error'}`));
      }
    };
    child.on('message', onMessage);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`the new process exited (${signal ?? code}) before it was ready`)));
  });
}
