import http2 from 'node:http2';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { HealthCheckConfig } from '../../../src/config/dynamic-schema.js';
import { createHealthChecker, probeUrl, type HealthChecker } from '../../../src/services/health-check.js';
import { createTransport } from '../../../src/proxy/transport.js';
import { silentLogger } from '../../../src/log.js';
import { startGreeter } from '../../fixtures/grpc/greeter.js';
import { waitFor } from '../../helpers/backend-harness.js';
import { createTestCA } from '../../helpers/certs.js';

// Health checks of gRPC servers: grpc-js refuses HTTP/1.1, so h2c servers are probed over HTTP/2 with
// prior knowledge, and `mode: grpc` calls grpc.health.v1.Health/Check on a real grpc-js server.

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/grpc/health.proto');

/** A grpc-js server implementing grpc.health.v1.Health whose overall status the test sets. */
async function startHealthServer(tlsPem?: { cert: string; key: string }): Promise<{ port: number; status: { overall: string; seen: grpc.Metadata[] }; close(): Promise<void> }> {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { enums: String, defaults: true }));
  const Health = (((loaded.grpc as grpc.GrpcObject).health as grpc.GrpcObject).v1 as grpc.GrpcObject).Health as grpc.ServiceClientConstructor;
  const status = { overall: 'SERVING', seen: [] as grpc.Metadata[] };
  const server = new grpc.Server();
  server.addService(Health.service, {
    Check(call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<{ status: string }>) {
      status.seen.push(call.metadata);
      if (call.request.service !== '') return callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      callback(null, { status: status.overall });
    },
  });
  const credentials = tlsPem ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tlsPem.cert), private_key: Buffer.from(tlsPem.key) }]) : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, status, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => server.forceShutdown()) };
}

function checker(t: Test, url: string, config: HealthCheckConfig, transport = createTransport()): HealthChecker {
  const checker = createHealthChecker({ serviceName: 'grpc@test', servers: [url], config, transport, log: silentLogger, memory: new Map() });
  t.teardown(() => checker.dispose());
  return checker;
}

const urls: Array<[string, string, HealthCheckConfig, string]> = [
  ['an h2c server is probed as h2c', 'h2c://10.0.0.1:50051', { path: '/hc' }, 'h2c://10.0.0.1:50051/hc'],
  ['scheme https replaces h2c (a scheme URLs cannot switch to directly)', 'h2c://10.0.0.1:50051', { path: '/hc', scheme: 'https' }, 'https://10.0.0.1:50051/hc'],
  ['scheme h2c and a port turn an http server into an h2c probe', 'http://10.0.0.1:8080', { path: '/hc?x=1', scheme: 'h2c', port: 9090 }, 'h2c://10.0.0.1:9090/hc?x=1'],
  ['an explicit port 80 on an https server is kept', 'https://10.0.0.1:80', { path: '/' }, 'https://10.0.0.1:80/'],
];
for (const [name, server, config, expected] of urls) {
  t.test(name, async (t) => {
    t.equal(probeUrl(server, config), expected);
  });
}

t.test('mode grpc follows the server\'s grpc.health.v1 serving status', async (t) => {
  const health = await startHealthServer();
  t.teardown(() => health.close());
  const url = `h2c://127.0.0.1:${health.port}`;
  const hc = checker(t, url, { mode: 'grpc', interval: '100ms', hostname: 'health.test', headers: { 'X-Probe': 'yes' } });
  t.ok(await waitFor(() => health.status.seen.length > 0, 15_000), 'the server was asked');
  t.equal(hc.status(url), 'UP', 'SERVING is UP');
  t.same(health.status.seen[0]?.get('x-probe'), ['yes'], 'the configured headers are sent as metadata');

  health.status.overall = 'NOT_SERVING';
  t.ok(await waitFor(() => hc.status(url) === 'DOWN', 15_000), 'NOT_SERVING turns it DOWN');
  health.status.overall = 'SERVING';
  t.ok(await waitFor(() => hc.status(url) === 'UP', 15_000), 'SERVING turns it UP again');
  health.status.overall = 'SERVICE_UNKNOWN';
  t.ok(await waitFor(() => hc.status(url) === 'DOWN', 15_000), 'any other status is DOWN');
});

t.test('mode grpc with scheme https checks over TLS with the service\'s serversTransport', async (t) => {
  const ca = createTestCA();
  const health = await startHealthServer(ca.issue(['health.backend']));
  t.teardown(() => health.close());
  const url = `h2c://127.0.0.1:${health.port}`;
  const hc = checker(t, url, { mode: 'grpc', scheme: 'https', interval: '100ms' }, createTransport({ serverName: 'health.backend', rootCAs: [ca.ca.certFile] }));
  t.ok(await waitFor(() => health.status.seen.length > 0, 15_000), 'the server was asked over TLS');
  t.equal(hc.status(url), 'UP');
  health.status.overall = 'NOT_SERVING';
  t.ok(await waitFor(() => hc.status(url) === 'DOWN', 15_000), 'NOT_SERVING turns it DOWN');
});

const down: Array<[string, () => Promise<{ url: string; close(): Promise<void> }>]> = [
  [
    'a gRPC server without the health service is DOWN (UNIMPLEMENTED)',
    async () => {
      const greeter = await startGreeter();
      return { url: `h2c://127.0.0.1:${greeter.port}`, close: greeter.close };
    },
  ],
  ['a server that refuses the connection is DOWN', async () => ({ url: 'h2c://127.0.0.1:1', close: async () => {} })],
];
for (const [name, start] of down) {
  t.test(name, async (t) => {
    const server = await start();
    t.teardown(() => server.close());
    const hc = checker(t, server.url, { mode: 'grpc', interval: '10s' });
    t.ok(await waitFor(() => hc.status(server.url) === 'DOWN', 15_000));
  });
}

t.test('an h2c server is probed in HTTP mode over HTTP/2 with prior knowledge', async (t) => {
  // node:http2's cleartext server, like grpc-js, speaks HTTP/2 only.
  const seen: string[] = [];
  let answer = 200;
  const server = http2.createServer((req, res) => {
    seen.push(`${req.httpVersion} ${req.url}`);
    res.writeHead(answer).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `h2c://127.0.0.1:${(server.address() as { port: number }).port}`;
  const hc = checker(t, url, { path: '/healthz', interval: '100ms' });
  t.ok(await waitFor(() => seen.length > 0, 15_000), 'the probe reached the server');
  t.equal(seen[0], '2.0 /healthz');
  t.equal(hc.status(url), 'UP');
  answer = 503;
  t.ok(await waitFor(() => hc.status(url) === 'DOWN', 15_000), 'a 503 over HTTP/2 is DOWN');
});
