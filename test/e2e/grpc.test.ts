import t from 'tap';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { createTestCA } from '../helpers/certs.js';
import { statusOf } from '../helpers/raw-request.js';
import { greeterClient, greeterService, startGreeter, type GreeterClient, type HelloReply, type HelloRequest } from '../fixtures/grpc/greeter.js';

// gRPC through the gateway: the client speaks HTTP/2 over TLS (ALPN h2) to the entry point, the
// gateway speaks h2c to one Greeter and HTTP/2-by-ALPN to another.
const ca = createTestCA();
const front = ca.issue(['h2c.test', 'tls.test', 'down.test']);
const backendCert = ca.issue(['greeter.backend']);

function unary(client: GreeterClient, method: string, request: HelloRequest, options: grpc.CallOptions = {}): Promise<{ reply?: HelloReply; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    metadata.set('x-tenant', 'blue');
    (client[method] as (...args: unknown[]) => void)(request, metadata, options, (error: grpc.ServiceError | null, reply?: HelloReply) => resolve(error ? { error } : { reply }));
  });
}

function collect(call: grpc.ClientReadableStream<HelloReply> | grpc.ClientDuplexStream<HelloRequest, HelloReply>): Promise<{ messages: string[]; status: grpc.StatusObject }> {
  return new Promise((resolve, reject) => {
    const messages: string[] = [];
    let status: grpc.StatusObject | undefined;
    let ended = false;
    const done = (): void => {
      if (status && ended) resolve({ messages, status });
    };
    call.on('data', (reply: HelloReply) => messages.push(reply.message));
    call.on('status', (s: grpc.StatusObject) => {
      status = s;
      done();
    });
    call.on('end', () => {
      ended = true;
      done();
    });
    call.on('error', reject);
  });
}

/** A cleartext (h2c prior knowledge) Greeter client to the gateway, sending `authority` as :authority. */
function insecureClient(port: number, authority: string): GreeterClient {
  const Greeter = greeterService();
  return new Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority }) as unknown as GreeterClient;
}

/** Sends an HTTP/1.1 request in two writes (its first byte alone first) and reads until the server closes. */
function splitRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(request.slice(0, 1));
    setTimeout(() => socket.write(request.slice(1)), 100);
  });
}

t.test('gRPC calls of every shape pass through the gateway to h2c and HTTP/2-over-TLS servers', async (t) => {
  const plain = await startGreeter();
  const secure = await startGreeter(backendCert);
  const gw = await startTestGateway({
    dynamic: {
      'grpc.yaml': {
        http: {
          routers: {
            h2c: { rule: 'Host(`h2c.test`)', service: 'h2c', tls: {} },
            tls: { rule: 'Host(`tls.test`)', service: 'tls', tls: {} },
            cleartext: { rule: 'Host(`plain.test`)', service: 'h2c' },
          },
          services: {
            h2c: { loadBalancer: { servers: [{ url: `h2c://127.0.0.1:${plain.port}` }] } },
            tls: { loadBalancer: { servers: [{ url: `https://127.0.0.1:${secure.port}` }], serversTransport: 'backend' } },
          },
          serversTransports: { backend: { serverName: 'greeter.backend', rootCAs: [ca.ca.certFile] } },
        },
        tls: { certificates: [{ certFile: front.certFile, keyFile: front.keyFile }] },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await plain.close();
    await secure.close();
  });

  for (const host of ['h2c.test', 'tls.test']) {
    await t.test(`through ${host}`, async (t) => {
      const client = greeterClient(`127.0.0.1:${gw.port()}`, { ca: ca.ca.cert, servername: host });
      t.teardown(() => client.close());

      await t.test('a unary call gets its reply and the server sees the metadata', async (t) => {
        const { reply, error } = await unary(client, 'SayHello', { name: 'ada' });
        t.error(error);
        t.equal(reply?.message, 'hello ada');
        t.match(reply?.seen, /(^|;)x-tenant=blue(;|$)/);
        t.match(reply?.seen, /(^|;)x-forwarded-proto=https(;|$)/, 'the forwarding headers are added as for HTTP/1.1');
      });

      await t.test('a server-streaming call gets every message and the trailing metadata', async (t) => {
        const call = (client.CountUp as (r: HelloRequest) => grpc.ClientReadableStream<HelloReply>)({ name: 'n', count: 5 });
        const { messages, status } = await collect(call);
        t.same(messages, ['n 1', 'n 2', 'n 3', 'n 4', 'n 5']);
        t.equal(status.code, grpc.status.OK);
        t.same(status.metadata.get('x-count'), ['5']);
      });

      await t.test('a client-streaming call sends every message before the reply', async (t) => {
        const reply = await new Promise<HelloReply>((resolve, reject) => {
          const call = (client.JoinNames as (cb: (e: Error | null, r: HelloReply) => void) => grpc.ClientWritableStream<HelloRequest>)((e, r) => (e ? reject(e) : resolve(r)));
          for (const name of ['a', 'b', 'c']) call.write({ name });
          call.end();
        });
        t.equal(reply.message, 'a,b,c');
      });

      await t.test('a bidirectional call interleaves requests and replies', async (t) => {
        const call = (client.Echo as () => grpc.ClientDuplexStream<HelloRequest, HelloReply>)();
        const result = collect(call);
        // Each reply is awaited before the next request: the stream really goes both ways through the gateway.
        const replies: string[] = [];
        for (const name of ['x', 'y', 'z']) {
          const next = new Promise<string>((resolve) => call.once('data', (r: HelloReply) => resolve(r.message)));
          call.write({ name });
          replies.push(await next);
        }
        call.end();
        const { status } = await result;
        t.same(replies, ['echo x', 'echo y', 'echo z']);
        t.equal(status.code, grpc.status.OK);
      });

      await t.test('an error status arrives with its message and custom trailer metadata', async (t) => {
        const { error } = await unary(client, 'SayHello', { name: 'x', failCode: grpc.status.NOT_FOUND });
        t.equal(error?.code, grpc.status.NOT_FOUND);
        t.equal(error?.details, 'failed with code 5');
        t.same(error?.metadata.get('x-detail'), ['custom-trailer']);
      });

      await t.test('a deadline that expires ends the call with DEADLINE_EXCEEDED', async (t) => {
        const started = Date.now();
        const { error } = await unary(client, 'SayHello', { name: 'slow', delayMs: 5000 }, { deadline: Date.now() + 300 });
        t.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
        t.ok(Date.now() - started < 4000, 'the call did not wait for the slow server');
        const after = await unary(client, 'SayHello', { name: 'again' });
        t.equal(after.reply?.message, 'hello again', 'the connection still serves calls');
      });
    });
  }

  await t.test('an h2c client on the port that also serves TLS reaches only routers without tls', async (t) => {
    for (const [authority, code] of [['plain.test', grpc.status.OK], ['h2c.test', grpc.status.UNIMPLEMENTED]] as const) {
      const client = insecureClient(gw.port(), authority);
      const { reply, error } = await unary(client, 'SayHello', { name: 'clear' });
      client.close();
      t.equal(error?.code ?? grpc.status.OK, code, authority);
      if (code === grpc.status.OK) t.match(reply?.seen, /(^|;)x-forwarded-proto=http(;|$)/, 'the request is known as cleartext');
    }
  });

  await t.test('an unreachable server is a gRPC UNAVAILABLE, not an HTTP error', async (t) => {
    await gw.writeDynamic('down.yaml', {
      http: {
        routers: { down: { rule: 'Host(`down.test`)', service: 'down', tls: {} } },
        services: { down: { loadBalancer: { servers: [{ url: `h2c://127.0.0.1:1` }] } } },
      },
    });
    const client = greeterClient(`127.0.0.1:${gw.port()}`, { ca: ca.ca.cert, servername: 'down.test' });
    t.teardown(() => client.close());
    const { error } = await unary(client, 'SayHello', { name: 'x' });
    t.equal(error?.code, grpc.status.UNAVAILABLE);
    t.match(error?.details, /upstream refused/);
  });
});

t.test('a cleartext entry point serves gRPC clients with prior knowledge (h2c) next to HTTP/1.1', async (t) => {
  const greeter = await startGreeter();
  const gw = await startTestGateway({
    dynamic: {
      'h2c.yaml': {
        http: {
          routers: { greeter: { rule: 'Host(`greeter.test`)', service: 'greeter' } },
          services: { greeter: { loadBalancer: { servers: [{ url: `h2c://127.0.0.1:${greeter.port}` }] } } },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await greeter.close();
  });
  const client = insecureClient(gw.port(), 'greeter.test');
  t.teardown(() => client.close());

  await t.test('a unary call over createInsecure() gets its reply', async (t) => {
    const { reply, error } = await unary(client, 'SayHello', { name: 'h2c' });
    t.error(error);
    t.equal(reply?.message, 'hello h2c');
    t.match(reply?.seen, /(^|;)x-forwarded-proto=http(;|$)/);
  });

  await t.test('a bidirectional call interleaves requests and replies', async (t) => {
    const call = (client.Echo as () => grpc.ClientDuplexStream<HelloRequest, HelloReply>)();
    const result = collect(call);
    const replies: string[] = [];
    for (const name of ['p', 'q', 'r']) {
      const next = new Promise<string>((resolve) => call.once('data', (r: HelloReply) => resolve(r.message)));
      call.write({ name });
      replies.push(await next);
    }
    call.end();
    const { status } = await result;
    t.same(replies, ['echo p', 'echo q', 'echo r']);
    t.equal(status.code, grpc.status.OK);
  });

  await t.test('an HTTP/1.1 request starting with P, its first byte sent alone, is still HTTP/1.1', async (t) => {
    const response = await splitRequest(gw.port(), 'POST /nothing HTTP/1.1\r\nHost: other.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    t.equal(statusOf(response), 404, 'parsed as HTTP/1.1 (no router for other.test)');
  });

  await t.test('a raw preface is answered with an HTTP/2 SETTINGS frame, not an HTTP/1.1 error', async (t) => {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(gw.port(), '127.0.0.1');
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        resolve(chunk);
      });
      socket.on('error', reject);
      // The preface, then an empty SETTINGS frame (RFC 9113 §3.4).
      socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    });
    t.equal(reply[3], 4, 'the first frame is SETTINGS');
    t.notMatch(reply.toString('latin1'), /^HTTP\/1/);
  });

  await t.test('Upgrade: h2c on HTTP/1.1 is not honoured', async (t) => {
    const response = await splitRequest(gw.port(), 'GET / HTTP/1.1\r\nHost: other.test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nConnection: close\r\n\r\n');
    t.equal(statusOf(response), 404, 'served as HTTP/1.1, no switch to HTTP/2');
  });
});
