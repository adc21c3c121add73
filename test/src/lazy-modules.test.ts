import t from 'tap';
import { createRequire } from 'node:module';

// The heavy client libraries are loaded only when a configuration uses them: importing the whole gateway
// (every built-in provider and middleware definition) must not load any of them.
const HEAVY = ['ioredis', 'etcd3', 'acme-client', 're2-wasm'];
const loaded = (name: string): boolean => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`/node_modules/${name}/`));

t.test('importing the gateway loads none of the heavy clients, and each loads on first use', async (t) => {
  await import('../../src/gateway.js');
  await import('../../src/builtins.js');
  for (const name of HEAVY) t.notOk(loaded(name), `${name} is not loaded by the import`);
  const lazy = await import('../../src/lazy-modules.js');
  const loaders: Record<string, () => unknown> = { ioredis: lazy.loadIoredis, etcd3: lazy.loadEtcd3, 'acme-client': lazy.loadAcmeClient, 're2-wasm': lazy.loadRe2 };
  for (const name of HEAVY) {
    t.ok(loaders[name]!(), `${name} loads on first use`);
    t.ok(loaded(name), `${name} is then in the module cache`);
  }
});
