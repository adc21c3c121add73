import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startDemoBackend } from '../../examples/demo-backend.js';
import { registerInstances } from '../../examples/registry-etcd/register.js';
import { etcdRegistryProvider } from '../../providers/etcd-registry/index.js';
import { builtinProviders } from '../../src/builtins.js';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import type { ProviderDefinition } from '../../src/provider/definition.js';
import { startEtcdServer } from '../helpers/etcd-server.js';
import { getWithHost, until } from '../helpers/provider-checks.js';

// Counts which demo server answered (its JSON body names it), or the status when none did.
async function tallyServers(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const answer = await getWithHost(url, 'demo.localhost');
    const key = answer.startsWith('200 ') ? (JSON.parse(answer.slice(4)) as { server: string }).server : answer.slice(0, 3);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const EXAMPLE = fileURLToPath(new URL('../../examples/registry-etcd/', import.meta.url));

t.test('registry-etcd routes demo.localhost to the instances register.ts announces, and drops them when revoked', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-example-registry-etcd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(EXAMPLE, dir, { recursive: true });
  const file = path.join(dir, 'switchyard.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replaceAll('127.0.0.1:2379', etcd.endpoint));

  // Until the lead registers etcdRegistry as a built-in, the test adds it the way builtins will.
  const providers = builtinProviders();
  if (!providers.get('etcdRegistry')) providers.register(etcdRegistryProvider as unknown as ProviderDefinition);
  const { config } = await loadStaticConfig({
    argv: ['--configFile=switchyard.yaml', '--entryPoints.web.address=127.0.0.1:0', '--entryPoints.switchyard.address=127.0.0.1:0'],
    env: {},
    cwd: dir,
    providerSchemas: Object.fromEntries(providers.types().filter((type) => type !== 'file').map((type) => [type, providers.get(type)!.schema])),
  });
  const gateway = await startGateway({ config, baseDir: dir, log: silentLogger, providers });
  t.teardown(() => gateway.shutdown());
  const backends = [await startDemoBackend('demo-1'), await startDemoBackend('demo-2')];
  t.teardown(() => Promise.all(backends.map((b) => b.close())));
  const url = `http://127.0.0.1:${gateway.port('web')}/`;

  const registration = await registerInstances({
    endpoint: etcd.endpoint,
    prefix: 'switchyard/services',
    instances: backends.map((b) => ({ service: 'demo', id: b.name, port: b.port })),
  });
  t.teardown(() => registration.close());
  await until('both instances serve', async () => Object.keys(await tallyServers(url, 4)).length === 2);
  t.same(await tallyServers(url, 10), { 'demo-1': 5, 'demo-2': 5 }, 'demo.localhost alternates between the two registered instances');

  await registration.close();
  await until('the route is gone', async () => (await tallyServers(url, 1))['404'] === 1);
  t.pass('revoking the leases removes the service');
});
