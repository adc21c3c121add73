// The control process of worker mode relays ACME challenges to its workers; the relay must exist before any
// configuration can start an order (an upgrade's control process applies configurations during its start).
import t, { type Test } from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadStaticConfig } from '../../../src/config/static-load.js';
import { startGateway, type GatewayOptions } from '../../../src/gateway.js';
import { silentLogger } from '../../../src/log.js';
import { builtinProviderSchemas } from '../../../src/builtins.js';
import type { Provider } from '../../../src/provider/provider.js';

// A provider with one snapshot ready at once, so a configuration is applied during the start.
const oneSnapshot: Provider = {
  name: 'snapshot',
  async *watch() {
    yield { config: { http: { routers: { app: { rule: 'Host(`app.test`)', service: 'app', tls: { certResolver: 'le' } } }, services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } } } }, errors: [] };
    await new Promise(() => {});
  },
  state: () => ({ connected: true }),
};

async function start(t: Test, role: GatewayOptions['role'], events: string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-on-acme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // The CA is a closed port: the order fails and retries later, which this test does not wait for.
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    ['entryPoints:', '  web: { address: "127.0.0.1:0" }', 'providers:', '  providersThrottleDuration: 0s', 'certificatesResolvers:', '  le:', '    acme:', '      email: ops@app.test', '      storage: acme.json', '      caServer: https://127.0.0.1:9/dir', '      httpChallenge: { entryPoint: web }', ''].join('\n'),
  );
  const { config } = await loadStaticConfig({ argv: ['--configFile=switchyard.yaml'], env: {}, cwd: dir, providerSchemas: builtinProviderSchemas() });
  const seen: unknown[] = [];
  const gateway = await startGateway({
    config,
    baseDir: dir,
    log: silentLogger,
    extraProviders: [oneSnapshot],
    ...(role && { role }),
    onAcme: (acme) => (events.push('acme'), seen.push(acme)),
    onApplied: () => void events.push('applied'),
  });
  t.teardown(() => gateway.shutdown());
  events.push('started');
  await gateway.waitForVersion(1);
  return { gateway, seen };
}

t.test('the control process sees the ACME resolvers before any configuration is applied', async (t) => {
  const events: string[] = [];
  const { gateway, seen } = await start(t, 'control', events);
  t.equal(events[0], 'acme', 'first, before the start returns and before the first configuration');
  t.ok(events.includes('applied'));
  t.equal(seen.length, 1, 'once');
  t.equal(seen[0], gateway.acme, 'the gateway\'s own ACME side');
});

t.test('a worker (data plane) runs no ACME and is not asked to relay', async (t) => {
  const events: string[] = [];
  const { gateway } = await start(t, 'data', events);
  t.notOk(events.includes('acme'));
  t.equal(gateway.acme, undefined);
});
