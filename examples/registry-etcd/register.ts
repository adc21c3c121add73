import { Etcd3, type Lease } from 'etcd3';
import { fileURLToPath } from 'node:url';

/** One instance to announce: the service it belongs to, its id, and where it listens. */
export interface DemoInstance {
  service: string;
  id: string;
  port: number;
  weight?: number;
}

/** Registrations kept alive by their leases until close() revokes them. */
export interface Registration {
  close(): Promise<void>;
}

/**
 * Registers instances the way a service would on start-up: one lease per instance (TTL seconds, kept
 * alive by the client) and `<prefix>/<service>/<id>` → `{"address","port","weight"}` attached to it.
 */
export async function registerInstances(options: { endpoint: string; prefix: string; ttl?: number; instances: DemoInstance[] }): Promise<Registration> {
  const client = new Etcd3({ hosts: `http://${options.endpoint}` });
  const leases: Lease[] = [];
  for (const instance of options.instances) {
    const lease = client.lease(options.ttl ?? 10);
    // A lease that cannot be renewed (etcd gone for longer than the TTL) is lost; the key is gone with it.
    lease.on('lost', (error) => console.error(`lease of ${instance.id} lost: ${error.message}`));
    const value = { address: '127.0.0.1', port: instance.port, ...(instance.weight !== undefined ? { weight: instance.weight } : {}) };
    await lease.put(`${options.prefix}/${instance.service}/${instance.id}`).value(JSON.stringify(value));
    leases.push(lease);
  }
  return {
    async close() {
      await Promise.all(leases.map((lease) => lease.revoke().catch(() => undefined)));
      client.close();
    },
  };
}

// Run directly: registers the two demo backends of examples/run.ts (:8001, :8002) as service "demo".
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const endpoint = process.argv[2] ?? '127.0.0.1:2379';
  const registration = await registerInstances({
    endpoint,
    prefix: 'switchyard/services',
    instances: [
      { service: 'demo', id: 'demo-1', port: 8001 },
      { service: 'demo', id: 'demo-2', port: 8002 },
    ],
  });
  console.log(`registered demo-1 (:8001) and demo-2 (:8002) in etcd ${endpoint}; Ctrl-C revokes them`);
  process.once('SIGINT', () => void registration.close().then(() => process.exit(0)));
}
