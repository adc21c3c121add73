import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import { httpsGet, type Pebble } from './pebble.js';
import { spawnGateway, waitForStatus, type GatewayProcess } from './spawn-gateway.js';

/** The host both gateways order a certificate for. */
export const SHARED_HOST = 'shared.app.test';

/** One of the gateway processes sharing an ACME storage. */
export interface SharedGateway {
  home: string;
  ports: { web: number; websecure: number; internal: number };
  process: GatewayProcess;
}

/**
 * Starts two `switchyard` processes, each in its own folder, whose DNS-01 resolver `dns` uses the same
 * `storage` and whose router wants a certificate for SHARED_HOST: both start at once, so both want it at
 * the same moment. Resolves once both answer /ping; the caller kills them.
 */
export async function startSharedAcmeGateways(options: { dir: string; storage: string; pebble: Pebble; backendUrl: string; httpreqEndpoint: string }): Promise<SharedGateway[]> {
  const { pebble } = options;
  const prepared = [];
  for (const name of ['one', 'two']) {
    const home = path.join(options.dir, name);
    await mkdir(path.join(home, 'dynamic'), { recursive: true });
    const ports = { web: await freePort(), websecure: await freePort(), internal: await freePort() };
    await writeFile(
      path.join(home, 'switchyard.yaml'),
      stringify({
        entryPoints: { web: { address: `127.0.0.1:${ports.web}` }, websecure: { address: `127.0.0.1:${ports.websecure}`, http: { tls: {} } }, switchyard: { address: `127.0.0.1:${ports.internal}` } },
        ping: {},
        log: { level: 'ERROR' },
        providers: { providersThrottleDuration: 0, file: { directory: 'dynamic' } },
        certificatesResolvers: {
          dns: { acme: { email: 'ops@app.test', storage: options.storage, caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], dnsChallenge: { provider: 'httpreq', resolvers: [pebble.dnsServer] } } },
        },
      }),
    );
    await writeFile(
      path.join(home, 'dynamic', 'app.yaml'),
      stringify({
        http: {
          routers: { app: { rule: `Host(\`${SHARED_HOST}\`)`, entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'dns' } } },
          services: { app: { loadBalancer: { servers: [{ url: options.backendUrl }] } } },
        },
      }),
    );
    prepared.push({ ports, home });
  }
  process.env.HTTPREQ_ENDPOINT = options.httpreqEndpoint;
  const gateways = prepared.map((g) => ({ ...g, process: spawnGateway(['--configFile=switchyard.yaml'], g.home) }));
  try {
    await Promise.all(gateways.map((g) => waitForStatus(`http://127.0.0.1:${g.ports.internal}/ping`, 200, 150_000)));
  } catch (error) {
    for (const g of gateways) g.process.child.kill('SIGKILL');
    throw error;
  }
  return gateways;
}

/** Polls a spawned gateway's HTTPS port until it serves a certificate from pebble (the process is outside this one). */
export async function servedSerial(port: number, root: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await httpsGet(port, SHARED_HOST, root).catch(() => undefined);
    if (answer?.issuer.includes('Pebble')) return answer.serial;
    if (Date.now() > deadline) throw new Error(`port ${port} did not serve a pebble certificate in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
