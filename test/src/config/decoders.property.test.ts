import t from 'tap';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtinMiddlewares } from '../../../src/builtins.js';
import { validateDynamic } from '../../../src/config/validate-dynamic.js';
import { decodeKv } from '../../../src/provider/kv/index.js';
import { decodeLabels } from '../../../src/provider/labels/decode-labels.js';
import { parseFlags } from '../../../src/config/static-flags.js';
import { parseEnv } from '../../../src/config/static-env.js';
import { loadStaticConfig } from '../../../src/config/static-load.js';
import { StaticConfigSchema } from '../../../src/config/static-schema.js';
import { SwitchyardError } from '../../../src/errors.js';
import { checkProperty, PROPERTY_SEED } from '../../helpers/property.js';

// Configuration decoders on hostile input: every provider can hand them anything, and a decoder
// that throws would take the whole provider (or the start-up) down instead of reporting an error.

const middlewares = builtinMiddlewares();

// Names the schemas know, so random trees reach deep validation paths, plus prototype-polluting ones.
const knownKey = fc.constantFrom(
  'http', 'tcp', 'udp', 'tls', 'routers', 'services', 'middlewares', 'serversTransports', 'rule', 'service', 'entryPoints', 'priority', 'tls',
  'loadBalancer', 'servers', 'url', 'weighted', 'mirroring', 'failover', 'healthCheck', 'sticky', 'passHostHeader', 'stripPrefix', 'prefixes',
  'headers', 'customRequestHeaders', 'basicAuth', 'users', 'redirectScheme', 'scheme', 'rateLimit', 'average', 'ipAllowList', 'sourceRange',
  'chain', 'retry', 'attempts', 'certificates', 'options', 'stores', 'certFile', 'keyFile', 'minVersion', 'address', 'r', 's', 'm',
  '__proto__', 'constructor', 'prototype', 'toString', '', '0', 'a.b', 'A',
);
const key = fc.oneof({ weight: 4, arbitrary: knownKey }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const leaf = fc.oneof(
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true }),
  fc.constantFrom('Host(`a.test`)', 'PathPrefix(`/`)', 'http://127.0.0.1:1', '10s', '-1', 'true', '', null, 0, -1, 1e308, Number.NaN, [], {}),
);
const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, tie('node'), { maxKeys: 5 }), fc.array(tie('node'), { maxLength: 3 })),
})).node;
const config = fc.oneof(tree, fc.dictionary(fc.constantFrom('http', 'tls', 'tcp'), tree, { maxKeys: 3 }));

t.test('validateDynamic reports errors and never throws', async (t) => {
  checkProperty(
    t,
    'validateDynamic',
    fc.property(config, (input) => {
      const result = validateDynamic(input, { provider: 'fuzz' }, middlewares);
      return typeof result.config === 'object' && Array.isArray(result.errors);
    }),
    2500,
  );
});

const segment = fc.oneof({ weight: 4, arbitrary: knownKey.map((k) => k.toLowerCase()) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.nat(5).map(String) });
const dotted = (sep: string) => fc.array(segment, { minLength: 1, maxLength: 7 }).map((parts) => parts.join(sep));
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('Host(`a.test`)', 'http://127.0.0.1:1', '42', 'true', 'a,b', '10s', '', '[0]', '{}'));

t.test('the KV decoder reports errors and never throws', async (t) => {
  checkProperty(
    t,
    'decodeKv',
    fc.property(fc.array(fc.record({ key: fc.oneof(dotted('/').map((k) => `traefik/${k}`), dotted('/'), fc.string({ maxLength: 30 })), value }), { maxLength: 25 }), (pairs) => {
      const result = decodeKv(pairs, 'traefik', middlewares);
      return typeof result.config === 'object' && Array.isArray(result.errors);
    }),
    2500,
  );
});

t.test('the labels decoder reports errors and never throws', async (t) => {
  checkProperty(
    t,
    'decodeLabels',
    fc.property(fc.dictionary(fc.oneof(dotted('.').map((k) => `traefik.${k}`), dotted('.'), fc.string({ maxLength: 30 })), value, { maxKeys: 25 }), (labels) => {
      const result = decodeLabels(labels, 'traefik', middlewares);
      return typeof result.config === 'object' && Array.isArray(result.errors);
    }),
    2500,
  );
});

const flagName = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('entryPoints', 'entrypoints', 'web', 'address', 'http', 'tls', 'domains[0]', 'domains[99999999999]', 'main', 'providers', 'file', 'filename', 'log', 'level', 'api', 'insecure', 'metrics', 'prometheus', 'buckets', 'accessLog', 'transport', 'respondingTimeouts', 'readTimeout', 'encodedCharacters', 'allowEncodedSlash', 'maxHeaderBytes', 'underscoreHeadersStrategy', '__proto__', 'constructor') },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  ),
  { minLength: 1, maxLength: 6 },
).map((parts) => parts.join('.'));
const argv = fc.array(
  fc.oneof(
    fc.tuple(flagName, value).map(([n, v]) => `--${n}=${v}`),
    flagName.map((n) => `--${n}`),
    value,
    fc.constant('--'),
  ),
  { maxLength: 8 },
);

t.test('static flags and environment variables are parsed into problems, never exceptions', async (t) => {
  checkProperty(
    t,
    'parseFlags and parseEnv',
    fc.property(argv, fc.dictionary(fc.oneof(flagName.map((n) => `SWITCHYARD_${n.replaceAll('.', '_').toUpperCase()}`), fc.string({ maxLength: 12 })), value, { maxKeys: 6 }), (args, env) => {
      const flags = parseFlags(args, StaticConfigSchema);
      const vars = parseEnv(env, StaticConfigSchema);
      return Array.isArray(flags.problems) && Array.isArray(vars.problems);
    }),
    2500,
  );
});

t.test('loading a static configuration from random flags either succeeds or fails with a SwitchyardError', async (t) => {
  // An empty directory: a random --configFile names a missing file, which must be an error too.
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'switchyard-fuzz-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const started = Date.now();
  const details = await fc.check(
    fc.asyncProperty(argv, async (args) => {
      try {
        await loadStaticConfig({ argv: args, env: {}, cwd, searchDirs: [] });
      } catch (err) {
        if (!(err instanceof SwitchyardError)) throw err;
      }
    }),
    { seed: PROPERTY_SEED, numRuns: 300 },
  );
  if (details.failed) t.comment(`${fc.defaultReportMessage(details) ?? ''}\n${String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance)}\nreplay with FC_SEED=${details.seed}`);
  t.ok(!details.failed, `loadStaticConfig (${details.numRuns} runs, ${Date.now() - started} ms)`);
});

t.test('a flag or variable naming __proto__ is a configuration error and pollutes nothing', async (t) => {
  // Found by the property above: `--__proto__.x=1` used to write into Object.prototype.
  for (const argv of [['--__proto__.polluted=yes'], ['--log.__proto__.polluted=yes'], ['--constructor.prototype.polluted=yes']]) {
    await t.rejects(loadStaticConfig({ argv, env: {}, cwd: os.tmpdir(), searchDirs: [] }), SwitchyardError, argv[0]);
    t.equal(({} as Record<string, unknown>).polluted, undefined, `${argv[0]} left Object.prototype alone`);
  }
  // A map key may be any name; it must stay a key.
  await loadStaticConfig({ argv: ['--entryPoints.__proto__.address=:1'], env: {}, cwd: os.tmpdir(), searchDirs: [] }).catch(() => undefined);
  t.equal(({} as Record<string, unknown>).address, undefined, 'an entry point named __proto__ left Object.prototype alone');
});
