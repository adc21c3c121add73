import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './free-port.js';

/** A private redis-server on a free port (Debian package `redis-server`), with persistence off. */
export interface RedisServer {
  port: number;
  endpoint: string;
  close(): Promise<void>;
}

/** Extra redis-server arguments (`--requirepass x`), a fixed port (to restart a server where it was), and TLS only (client certificates required when `ca` is set). */
export interface RedisServerOptions {
  args?: string[];
  port?: number;
  tls?: { certFile: string; keyFile: string; caFile: string; requireClientCert?: boolean };
}

/** Starts redis-server and resolves once it accepts connections; fails when the binary is missing. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const { tls } = options;
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', tls.requireClientCert ? 'yes' : 'no']
    : ['--port', String(port)];
  const child: ChildProcess = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`redis-server could not start (install the redis-server package): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await Promise.race([exited, canConnect(port)]);
    if (up) break;
    if (Date.now() > deadline) throw new Error('redis-server did not start within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  exited.catch(() => undefined);
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    async close() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
