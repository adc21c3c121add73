import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** A private etcd (Debian package `etcd-server`) on free loopback ports with its own data folder. */
export interface EtcdServer {
  port: number;
  /** `127.0.0.1:<port>`, as the provider's `endpoints` takes it. */
  endpoint: string;
  /** Runs etcdctl against this server (with `--user` when given) and returns its output. */
  etcdctl(args: string[], user?: string): Promise<string>;
  /** Stops the process, keeping the data folder (for restart tests). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops it and removes the data folder. */
  close(): Promise<void>;
}

/** Serve clients over TLS only, requiring a client certificate signed by `caFile`. */
export interface EtcdTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** A client certificate for the helper's own health checks and etcdctl. */
  client: { certFile: string; keyFile: string };
}

/** Starts etcd and resolves once it answers a health check; fails when the binary is missing. */
export async function startEtcdServer(options: { tls?: EtcdTls } = {}): Promise<EtcdServer> {
  const { tls } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-etcd-'));
  const port = await freePort();
  const peer = await freePort();
  const client = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const clientTlsArgs = tls ? ['--cacert', tls.caFile, '--cert', tls.client.certFile, '--key', tls.client.keyFile] : [];
  const serverTlsArgs = tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile, '--trusted-ca-file', tls.caFile, '--client-cert-auth'] : [];
  const dispatcher = tls && new Agent({ connect: { ca: readFileSync(tls.caFile, 'utf8'), cert: readFileSync(tls.client.certFile, 'utf8'), key: readFileSync(tls.client.keyFile, 'utf8') } });
  let child: ChildProcess | undefined;

  async function etcdctl(args: string[], user?: string): Promise<string> {
    const auth = user ? ['--user', user] : [];
    const { stdout } = await run('etcdctl', ['--endpoints', client, ...clientTlsArgs, ...auth, ...args], { timeout: 10_000 });
    return stdout;
  }

  async function start(): Promise<void> {
    const proc = spawn('etcd', [
      '--name', 'test', '--data-dir', path.join(dir, 'data'),
      '--listen-client-urls', client, '--advertise-client-urls', client,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `test=http://127.0.0.1:${peer}`, '--initial-cluster-state', 'new',
      '--logger', 'zap', '--log-level', 'error', ...serverTlsArgs,
    ], { stdio: 'ignore' });
    child = proc;
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`etcd could not start (install the etcd-server package): ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`etcd exited with ${code}`)));
    });
    exited.catch(() => undefined);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const healthy = await Promise.race([exited, fetch(`${client}/health`, dispatcher ? { dispatcher } : {}).then((r) => r.ok, () => false)]);
      if (healthy) return;
      if (Date.now() > deadline) throw new Error('etcd did not become healthy within 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  await start();
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    etcdctl,
    stop,
    start,
    async close() {
      await stop();
      await dispatcher?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
