import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Kubernetes object as the fake stores it. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/** An Ingress with one rule and one Prefix path to `service:port` (a number or a port name). */
export function ingress(namespace: string, name: string, opts: { host: string; path?: string; service: string; port: number | string; className?: string; tls?: { secretName: string }; annotations?: Record<string, string>; labels?: Record<string, string> }): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, ...(opts.annotations ? { annotations: opts.annotations } : {}), ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      ...(opts.className ? { ingressClassName: opts.className } : {}),
      ...(opts.tls ? { tls: [{ hosts: [opts.host], secretName: opts.tls.secretName }] } : {}),
      rules: [
        {
          host: opts.host,
          http: {
            paths: [{ path: opts.path ?? '/', pathType: 'Prefix', backend: { service: { name: opts.service, port: typeof opts.port === 'number' ? { number: opts.port } : { name: opts.port } } } }],
          },
        },
      ],
    },
  };
}

/** An IngressClass handled by Switchyard. */
export function ingressClass(name: string): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name }, spec: { controller: 'switchyard.io/ingress-controller' } };
}

/** A ClusterIP Service with one named port `http` (port 80 → targetPort). */
export function service(namespace: string, name: string, targetPort: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort, protocol: 'TCP' }], ...extra },
  };
}

/** An EndpointSlice of `service` listing pods by IP, all on `port` (named `http`); `notReady` IPs are listed not ready. */
export function endpointSlice(namespace: string, name: string, serviceName: string, port: number, ips: string[], notReady: string[] = [], labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': serviceName, ...labels } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: [
      ...ips.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } })),
      ...notReady.map((ip) => ({ addresses: [ip], conditions: { ready: false, serving: false, terminating: false } })),
    ],
  };
}

/** A kubernetes.io/tls Secret. */
export function tlsSecret(namespace: string, name: string, cert: string, key: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  };
}

/** One "pod": a real HTTP server on its own loopback address, as pods have their own IPs and share a port. */
export interface Pod {
  ip: string;
  port: number;
  hits(): number;
  close(): Promise<void>;
}

let nextHost = 2 + Math.floor(Math.random() * 200);

/** Starts `count` pods on distinct 127.0.0.x addresses and one common port; each answers 200 with its IP. */
export async function startPods(count: number, handler?: (pod: string, req: IncomingMessage, res: ServerResponse) => void): Promise<Pod[]> {
  for (let tries = 0; tries < 20; tries++) {
    const pods: Pod[] = [];
    try {
      let port = 0;
      for (let i = 0; i < count; i++) {
        const ip = `127.0.${Math.floor(nextHost / 250)}.${(nextHost % 250) + 2}`;
        nextHost = (nextHost + 1) % 60_000;
        pods.push(await startPod(ip, port, handler));
        port = pods[0]!.port;
      }
      return pods;
    } catch {
      // The common port was taken on one of the addresses: start over on another port.
      await Promise.all(pods.map((p) => p.close()));
    }
  }
  throw new Error('could not start pods on a common port');
}

/** Starts one more pod on the pods' port and a fresh loopback address. */
export async function addPod(port: number, handler?: (pod: string, req: IncomingMessage, res: ServerResponse) => void): Promise<Pod> {
  for (let tries = 0; tries < 50; tries++) {
    const ip = `127.0.${Math.floor(nextHost / 250)}.${(nextHost % 250) + 2}`;
    nextHost = (nextHost + 1) % 60_000;
    try {
      return await startPod(ip, port, handler);
    } catch {
      // That address has the port in use: try the next one.
    }
  }
  throw new Error(`no loopback address with port ${port} free`);
}

function startPod(ip: string, port: number, handler?: (pod: string, req: IncomingMessage, res: ServerResponse) => void): Promise<Pod> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (handler) return handler(ip, req, res);
    res.setHeader('content-type', 'text/plain');
    res.end(ip);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        ip,
        port: bound,
        hits: () => hits,
        async close() {
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
