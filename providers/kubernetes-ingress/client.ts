import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';

/** The `@kubernetes/client-node` module, loaded only when a Kubernetes provider runs. */
export type KubeModule = typeof import('@kubernetes/client-node');

/** How to reach the API server, from the provider options (paths already resolved). */
export interface ConnectionOptions {
  endpoint?: string;
  token?: string;
  certAuthFilePath?: string;
  kubeconfig?: string;
}

/** A ready client configuration and how it was chosen (for logs and the provider state). */
export interface Connection {
  kc: KubeConfig;
  mode: 'kubeconfig' | 'in-cluster' | 'endpoint';
  server: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Imports `@kubernetes/client-node` on first use, so a gateway without this provider never loads it. */
export function loadKubeModule(): Promise<KubeModule> {
  return import('@kubernetes/client-node');
}

/**
 * Builds the client configuration. Order: the `kubeconfig` option; in a cluster (KUBERNETES_SERVICE_HOST)
 * the service account, with `endpoint` / `token` / `certAuthFilePath` overriding its parts; `endpoint`
 * with `token` and `certAuthFilePath`; the file named by KUBECONFIG. Throws naming the options otherwise.
 */
export function createConnection(k8s: KubeModule, options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const kc = new k8s.KubeConfig();
  if (options.kubeconfig) {
    kc.loadFromFile(options.kubeconfig);
    return finish(kc, 'kubeconfig');
  }
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    const host = isIPv6(env.KUBERNETES_SERVICE_HOST) ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    kc.loadFromClusterAndUser(
      { name: 'in-cluster', server: options.endpoint ?? `https://${host}:${env.KUBERNETES_SERVICE_PORT}`, caFile: options.certAuthFilePath ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`, skipTLSVerify: false },
      // The token file is re-read every minute by client-node, so projected (rotating) tokens keep working.
      options.token ? { name: 'in-cluster', token: options.token } : { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } } },
    );
    return finish(kc, 'in-cluster');
  }
  if (options.endpoint) {
    const plain = options.endpoint.startsWith('http://');
    kc.loadFromClusterAndUser(
      // client-node refuses http:// unless TLS verification is "skipped"; there is no TLS to verify (kubectl proxy).
      { name: 'switchyard', server: options.endpoint, skipTLSVerify: plain, ...(options.certAuthFilePath ? { caFile: options.certAuthFilePath } : {}) },
      { name: 'switchyard', ...(options.token ? { token: options.token } : {}) },
    );
    return finish(kc, 'endpoint');
  }
  if (env.KUBECONFIG) {
    kc.loadFromFile(env.KUBECONFIG.split(':')[0]!);
    return finish(kc, 'kubeconfig');
  }
  throw new Error('no API server: set providers.kubernetesIngress.kubeconfig or .endpoint, or run in a cluster (KUBERNETES_SERVICE_HOST)');
}

function finish(kc: KubeConfig, mode: Connection['mode']): Connection {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error(`the ${mode} configuration names no cluster server`);
  return { kc, mode, server: cluster.server };
}

/** The namespace this pod runs in: POD_NAMESPACE, else the service account's namespace file, else `default`. */
export function podNamespace(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  const file = `${SERVICE_ACCOUNT_DIR}/namespace`;
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  return 'default';
}

/** The HTTP status of a client-node error (ApiException `code`, watch `statusCode`), if any. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** A short message for a client-node error: ApiException messages carry whole bodies and headers. */
export function describe(error: unknown): string {
  const status = statusOf(error);
  let body = (error as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // Not a Status object: the raw text is shown.
    }
  }
  if (status !== undefined) {
    const reason = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : String(body ?? '').slice(0, 200);
    return `HTTP ${status}${reason ? `: ${reason}` : ''}`;
  }
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}
