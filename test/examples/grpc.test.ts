import t from 'tap';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import { builtinProviderSchemas } from '../../src/builtins.js';
import { greeterService, startExampleGreeter } from '../../examples/grpc/greeter-server.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/grpc/', import.meta.url));

// examples/grpc booted as written, except ports: its Greeter listens on a free port that replaces
// 50051 in a temp copy of the dynamic file, and the entry points listen on port 0.
t.test('the grpc example serves gRPC over HTTPS and gRPC-Web over HTTP/1.1 from one h2c server', async (t) => {
  const greeter = await startExampleGreeter(0);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-example-grpc-'));
  await cp(EXAMPLE, dir, { recursive: true });
  const dynamicFile = path.join(dir, 'dynamic', 'grpc.yaml');
  await writeFile(dynamicFile, (await readFile(dynamicFile, 'utf8')).replaceAll('127.0.0.1:50051', `127.0.0.1:${greeter.port}`));
  const { config } = await loadStaticConfig({
    argv: ['--configFile=switchyard.yaml', '--entryPoints.web.address=127.0.0.1:0', '--entryPoints.switchyard.address=127.0.0.1:0'],
    env: {},
    cwd: dir,
    providerSchemas: builtinProviderSchemas(),
  });
  const gateway = await startGateway({ config, baseDir: dir, log: silentLogger });
  await gateway.waitForVersion(1);
  t.teardown(async () => {
    await gateway.shutdown();
    await greeter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const Greeter = greeterService();
  // The example uses the gateway's generated default certificate: the client does not verify it.
  const client = new Greeter(`127.0.0.1:${gateway.port('web')}`, grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false }), {
    'grpc.default_authority': 'localhost',
  });
  t.teardown(() => client.close());

  const reply = await new Promise<{ message: string }>((resolve, reject) =>
    (client.SayHello as (r: unknown, cb: (e: Error | null, r: { message: string }) => void) => void)({ name: 'ada' }, (e, r) => (e ? reject(e) : resolve(r))),
  );
  t.equal(reply.message, 'Hello, ada!', 'a unary call over HTTPS reaches the h2c server');

  const invalid = await new Promise<grpc.ServiceError>((resolve) => (client.SayHello as (r: unknown, cb: (e: grpc.ServiceError) => void) => void)({ name: '' }, resolve));
  t.equal(invalid.code, grpc.status.INVALID_ARGUMENT, 'the server’s error status comes through');

  // gRPC-Web, hand-framed: a HelloRequest { name: "web" } in one length-prefixed message.
  const message = Buffer.from([0x0a, 3, ...Buffer.from('web')]);
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
  const web = await fetch(`http://127.0.0.1:${gateway.port('web')}/greeter.Greeter/SayHello`, {
    method: 'POST',
    headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', origin: 'http://localhost:3000' },
    body: framed,
  });
  const body = Buffer.from(await web.arrayBuffer());
  t.equal(web.status, 200);
  t.equal(web.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  t.match(body.toString('latin1'), /Hello, web!/);
  t.match(body.toString('latin1'), /grpc-status: ?0/, 'the trailers arrive as the last frame');

  const metrics = await (await fetch(`http://127.0.0.1:${gateway.port('switchyard')}/metrics`)).text();
  t.match(metrics, /_entrypoint_requests_total\{[^}]*protocol="grpc"/, 'metrics label the calls with protocol grpc');
});
