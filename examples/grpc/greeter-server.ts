import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// A tiny gRPC server for the example: `node --import ./bin/ts-hooks.js examples/grpc/greeter-server.ts [port]`
// listens in cleartext (h2c) on 127.0.0.1:50051 unless a port is given.

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'greeter.proto');

/** The Greeter service constructor loaded from greeter.proto. */
export function greeterService(): grpc.ServiceClientConstructor {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { defaults: true }));
  return (loaded.greeter as grpc.GrpcObject).Greeter as grpc.ServiceClientConstructor;
}

interface HelloRequest {
  name: string;
  count: number;
}

/** A running example Greeter. */
export interface ExampleGreeter {
  port: number;
  close(): Promise<void>;
}

/** Starts the Greeter on 127.0.0.1:`port` (0 picks a free one). */
export async function startExampleGreeter(port = 50051): Promise<ExampleGreeter> {
  const server = new grpc.Server();
  server.addService(greeterService().service, {
    SayHello(call: grpc.ServerUnaryCall<HelloRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (!call.request.name) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name is required' });
      callback(null, { message: `Hello, ${call.request.name}!` });
    },
    CountUp(call: grpc.ServerWritableStream<HelloRequest, unknown>) {
      for (let i = 1; i <= Math.min(call.request.count, 100); i++) call.write({ message: `${call.request.name} #${i}` });
      call.end();
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port: bound, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const greeter = await startExampleGreeter(Number(process.argv[2] ?? 50051));
  console.log(`gRPC Greeter (h2c) on 127.0.0.1:${greeter.port}`);
}
