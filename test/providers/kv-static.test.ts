import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { builtinProviderSchemas, builtinProviders } from '../../src/builtins.js';
import { loadStaticConfig, StaticConfigError } from '../../src/config/static-load.js';
import { silentLogger } from '../../src/log.js';

interface Case {
  name: string;
  yaml?: string;
  argv?: string[];
  env?: Record<string, string>;
  others?: unknown;
  problem?: RegExp;
}

const cases: Case[] = [
  {
    name: 'etcd and redis sections in the file are accepted with Traefik keys',
    yaml: 'providers:\n  etcd:\n    endpoints: ["10.0.0.1:2379"]\n    rootKey: edge\n    username: u\n    password: p\n  redis:\n    endpoints: ["10.0.0.2:6379"]\n    db: 2\n    sentinel:\n      masterName: mymaster\n    pollInterval: 5s\n',
    others: { etcd: { endpoints: ['10.0.0.1:2379'], rootKey: 'edge', username: 'u', password: 'p' }, redis: { endpoints: ['10.0.0.2:6379'], db: 2, sentinel: { masterName: 'mymaster' }, pollInterval: '5s' } },
  },
  {
    name: 'provider keys are case-insensitive in the file, as Traefik reads them',
    yaml: 'providers:\n  Etcd:\n    Endpoints: ["a:1"]\n    RootKey: x\n',
    others: { etcd: { endpoints: ['a:1'], rootKey: 'x' } },
  },
  {
    name: 'flags set provider options',
    argv: ['--providers.etcd.endpoints=a:1,b:2', '--providers.redis.db=3'],
    others: { etcd: { endpoints: ['a:1', 'b:2'] }, redis: { db: 3 } },
  },
  {
    name: 'an unknown etcd option is refused naming it',
    yaml: 'providers:\n  etcd:\n    endpoint: "a:1"\n',
    problem: /providers\.etcd.*endpoint/,
  },
  {
    name: 'a redis db that is not a number is refused',
    yaml: 'providers:\n  redis:\n    db: first\n',
    problem: /providers\.redis\.db/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-kv-static-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const argv = [...(c.argv ?? [])];
    if (c.yaml) {
      await writeFile(path.join(dir, 'switchyard.yaml'), c.yaml);
      argv.push('--configFile=switchyard.yaml');
    }
    const load = loadStaticConfig({ argv, env: c.env ?? {}, cwd: dir, searchDirs: [], providerSchemas: builtinProviderSchemas() });
    if (c.problem) {
      const error = await load.then(() => undefined, (e: unknown) => e);
      t.ok(error instanceof StaticConfigError, 'a static configuration error');
      t.match((error as StaticConfigError).problems.join('\n'), c.problem);
      return;
    }
    t.same((await load).config.providers.others, c.others);
  });
}

t.test('builtinProviderSchemas holds every built-in provider but file', async (t) => {
  const schemas = builtinProviderSchemas();
  t.ok(schemas.etcd && schemas.redis, 'etcd and redis are there');
  t.notOk('file' in schemas, 'file stays in the core schema');
});

t.test('the definitions refuse unusable options naming them', async (t) => {
  const types = builtinProviders();
  const ctx = { log: silentLogger, baseDir: os.tmpdir() };
  t.throws(() => types.get('etcd')!.create({ username: 'only' } as never, ctx), /username.*password/);
  t.throws(() => types.get('etcd')!.create({ tls: { ca: 'no-such-ca.pem' } } as never, ctx), /providers\.etcd\.tls\.ca/);
  t.throws(() => types.get('redis')!.create({ pollInterval: '0s' } as never, ctx), /pollInterval/);
  t.equal(types.get('redis')!.create({} as never, ctx).name, 'redis');
});
