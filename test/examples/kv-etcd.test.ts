import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startDemoBackend } from '../../examples/demo-backend.js';
import { exampleKeys, putKeys } from '../../examples/kv-etcd/put-keys.js';
import { builtinProviderSchemas } from '../../src/builtins.js';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import { startEtcdServer } from '../helpers/etcd-server.js';
import { getWithHost, until } from '../helpers/provider-checks.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/kv-etcd/', import.meta.url));

t.test('kv-etcd routes demo.localhost/api to both demo backends from the keys put-keys.ts writes', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const backends = [await startDemoBackend('demo-1'), await startDemoBackend('demo-2')];
  t.teardown(() => Promise.all(backends.map((b) => b.close())));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-example-kv-etcd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(EXAMPLE, dir, { recursive: true });
  const file = path.join(dir, 'switchyard.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replaceAll('127.0.0.1:2379', etcd.endpoint));

  const keys = (await exampleKeys()).map(({ key, value }) => ({
    key,
    value: value.replace('127.0.0.1:8001', `127.0.0.1:${backends[0]!.port}`).replace('127.0.0.1:8002', `127.0.0.1:${backends[1]!.port}`),
  }));
  await putKeys(etcd.endpoint, keys);

  const { config } = await loadStaticConfig({
    argv: ['--configFile=switchyard.yaml', '--entryPoints.web.address=127.0.0.1:0', '--entryPoints.switchyard.address=127.0.0.1:0'],
    env: {},
    cwd: dir,
    providerSchemas: builtinProviderSchemas(),
  });
  const gateway = await startGateway({ config, baseDir: dir, log: silentLogger });
  t.teardown(() => gateway.shutdown());
  const url = `http://127.0.0.1:${gateway.port('web')}/api/hello`;
  await until('the etcd routes serve', async () => (await getWithHost(url, 'demo.localhost')).startsWith('200'), 15_000);

  const servers = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const answer = await getWithHost(url, 'demo.localhost');
    const seen = JSON.parse(answer.slice(4)) as { server: string; url: string };
    t.equal(seen.url, '/hello', 'the strip-api middleware removed /api');
    servers.add(seen.server);
  }
  t.same([...servers].sort(), ['demo-1', 'demo-2'], 'both demo backends answer');
  t.equal((await getWithHost(url, 'other.localhost')).slice(0, 3), '404', 'other hosts are not routed');
});
