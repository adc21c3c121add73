import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startGreeter } from '../fixtures/grpc/greeter.js';
import { create, createFileRegistry, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FieldDescriptorProto_Type as FieldType } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-node';
import { createBase64Decoder, parseGrpcWebType, trailerFrame } from '../../middlewares/grpc-web/codec.js';

// gRPC-Web requests framed by hand per the gRPC-Web protocol (length-prefixed messages, protobuf encoded
// by hand: HelloRequest/HelloReply have only small fields), then the same calls from connect-node's client.

/** greeter.proto as a runtime descriptor, so connect needs no generated code. */
function greeterDescriptor(): DescService {
  const scalar = (name: string, number: number, type: FieldType, jsonName: string) => ({ name, number, type, label: 1, jsonName });
  const message = (name: string) => `.switchyard.test.${name}`;
  const file = create(FileDescriptorProtoSchema, {
    name: 'greeter.proto',
    package: 'switchyard.test',
    syntax: 'proto3',
    messageType: [
      {
        name: 'HelloRequest',
        field: [scalar('name', 1, FieldType.STRING, 'name'), scalar('count', 2, FieldType.INT32, 'count'), scalar('delay_ms', 3, FieldType.INT32, 'delayMs'), scalar('fail_code', 4, FieldType.INT32, 'failCode')],
      },
      { name: 'HelloReply', field: [scalar('message', 1, FieldType.STRING, 'message'), scalar('seen', 2, FieldType.STRING, 'seen')] },
    ],
    service: [
      {
        name: 'Greeter',
        method: [
          { name: 'SayHello', inputType: message('HelloRequest'), outputType: message('HelloReply') },
          { name: 'CountUp', inputType: message('HelloRequest'), outputType: message('HelloReply'), serverStreaming: true },
        ],
      },
    ],
  });
  const service = createFileRegistry(file, () => undefined).getService('switchyard.test.Greeter');
  if (!service) throw new Error('Greeter missing from the descriptor');
  return service;
}

function field(no: number, value: string | number): Buffer {
  if (typeof value === 'number') return Buffer.from([(no << 3) | 0, value]);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
}

function helloRequest(name: string, extra: { count?: number; failCode?: number } = {}): Buffer {
  return Buffer.concat([field(1, name), ...(extra.count ? [field(2, extra.count)] : []), ...(extra.failCode ? [field(4, extra.failCode)] : [])]);
}

function frame(message: Buffer, flag = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** Splits a gRPC-Web body into its messages (first string field of each) and its trailers. */
function parseBody(body: Buffer): { messages: string[]; trailers: Record<string, string> } {
  const messages: string[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  while (at + 5 <= body.length) {
    const flag = body[at]!;
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flag & 0x80) {
      for (const line of payload.toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) trailers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    } else {
      // Field 1 (tag 0x0a) is the reply's message.
      messages.push(payload[0] === 0x0a ? payload.subarray(2, 2 + payload[1]!).toString('utf8') : '');
    }
  }
  return { messages, trailers };
}

t.test('the codec parses content types, decodes chunked base64 and frames trailers', async (t) => {
  t.same(parseGrpcWebType('application/grpc-web+proto'), { text: false, suffix: '+proto' });
  t.same(parseGrpcWebType('application/grpc-web-text'), { text: true, suffix: '' });
  t.equal(parseGrpcWebType('application/grpc'), undefined);
  const decoder = createBase64Decoder();
  const encoded = Buffer.from(Buffer.from('hello').toString('base64') + Buffer.from('world!').toString('base64'));
  const out = Buffer.concat([decoder.write(encoded.subarray(0, 3)), decoder.write(encoded.subarray(3, 11)), decoder.write(encoded.subarray(11)), decoder.end()]);
  t.equal(out.toString(), 'helloworld!', 'padded groups in the middle of the stream decode');
  t.same(parseBody(trailerFrame({ 'grpc-status': '0', 'x-a': ['1', '2'] })).trailers, { 'grpc-status': '0', 'x-a': '2' });
});

t.test('grpcWeb translates gRPC-Web calls from an HTTP/1.1 client to a gRPC server and back', async (t) => {
  const greeter = await startGreeter();
  const gw = await startTestGateway({
    dynamic: {
      'grpc-web.yaml': {
        http: {
          routers: {
            web: { rule: 'PathPrefix(`/switchyard.test.Greeter/`)', service: 'greeter', middlewares: ['grpc'] },
            down: { rule: 'PathPrefix(`/down/`)', service: 'down', middlewares: ['grpc'] },
          },
          middlewares: { grpc: { grpcWeb: { allowOrigins: ['https://app.test'] } } },
          services: {
            greeter: { loadBalancer: { servers: [{ url: `h2c://127.0.0.1:${greeter.port}` }] } },
            down: { loadBalancer: { servers: [{ url: 'h2c://127.0.0.1:1' }] } },
          },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await greeter.close();
  });

  const call = async (path: string, body: Buffer, opts: { text?: boolean; origin?: string } = {}) => {
    const response = await fetch(gw.url(path), {
      method: 'POST',
      headers: {
        'content-type': opts.text ? 'application/grpc-web-text' : 'application/grpc-web+proto',
        'x-grpc-web': '1',
        ...(opts.origin ? { origin: opts.origin } : {}),
      },
      body: new Uint8Array(opts.text ? Buffer.from(body.toString('base64')) : body),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const decoded = opts.text ? Buffer.from(raw.toString('latin1').replace(/[^=]*=*/g, (g) => (g ? Buffer.from(g, 'base64').toString('latin1') : '')), 'latin1') : raw;
    return { response, ...parseBody(decoded) };
  };

  await t.test('a binary unary call gets its message and an OK trailer frame', async (t) => {
    const { response, messages, trailers } = await call('/switchyard.test.Greeter/SayHello', frame(helloRequest('ada')));
    t.equal(response.status, 200);
    t.equal(response.headers.get('content-type'), 'application/grpc-web+proto');
    t.same(messages, ['hello ada']);
    t.equal(trailers['grpc-status'], '0');
  });

  await t.test('a text (base64) unary call is decoded on the way in and encoded on the way out', async (t) => {
    const { response, messages, trailers } = await call('/switchyard.test.Greeter/SayHello', frame(helloRequest('bob')), { text: true });
    t.equal(response.headers.get('content-type'), 'application/grpc-web-text');
    t.same(messages, ['hello bob']);
    t.equal(trailers['grpc-status'], '0');
  });

  await t.test('a server-streaming call gets every message, then the trailing metadata', async (t) => {
    const { messages, trailers } = await call('/switchyard.test.Greeter/CountUp', frame(helloRequest('n', { count: 3 })));
    t.same(messages, ['n 1', 'n 2', 'n 3']);
    t.equal(trailers['x-count'], '3');
    t.equal(trailers['grpc-status'], '0');
  });

  await t.test('an error status arrives in the trailer frame with its message and custom metadata', async (t) => {
    const { response, messages, trailers } = await call('/switchyard.test.Greeter/SayHello', frame(helloRequest('x', { failCode: 5 })));
    t.equal(response.status, 200);
    t.same(messages, []);
    t.equal(trailers['grpc-status'], '5');
    t.equal(decodeURIComponent(trailers['grpc-message'] ?? ''), 'failed with code 5');
    t.equal(trailers['x-detail'], 'custom-trailer');
  });

  await t.test('an unreachable server is reported as UNAVAILABLE in gRPC-Web form', async (t) => {
    const { response, trailers } = await call('/down/Any', frame(helloRequest('x')));
    t.equal(response.status, 200);
    t.equal(trailers['grpc-status'], '14');
  });

  await t.test('an allowed origin gets CORS headers exposing the gRPC status fields', async (t) => {
    const { response } = await call('/switchyard.test.Greeter/SayHello', frame(helloRequest('c')), { origin: 'https://app.test' });
    t.equal(response.headers.get('access-control-allow-origin'), 'https://app.test');
    t.match(response.headers.get('access-control-expose-headers'), /grpc-status/);
    const other = await call('/switchyard.test.Greeter/SayHello', frame(helloRequest('c')), { origin: 'https://evil.test' });
    t.equal(other.response.headers.get('access-control-allow-origin'), null, 'another origin gets none');
  });

  await t.test('calls from connect-node\'s gRPC-Web client', async (t) => {
    // Untyped descriptor: the client's methods and messages are known only at run time.
    const client = createClient(greeterDescriptor(), createGrpcWebTransport({ baseUrl: gw.url(''), httpVersion: '1.1' })) as unknown as {
      sayHello(request: Record<string, unknown>): Promise<{ message: string }>;
      countUp(request: Record<string, unknown>, options?: { onTrailer?: (trailers: Headers) => void }): AsyncIterable<{ message: string }>;
    };

    await t.test('a unary call gets its reply', async (t) => {
      const reply = await client.sayHello({ name: 'connect' });
      t.equal(reply.message, 'hello connect');
    });

    await t.test('a server-streaming call gets every message and the trailing metadata', async (t) => {
      const messages: string[] = [];
      let trailer: Headers | undefined;
      for await (const reply of client.countUp({ name: 'c', count: 4 }, { onTrailer: (h) => (trailer = h) })) messages.push(reply.message);
      t.same(messages, ['c 1', 'c 2', 'c 3', 'c 4']);
      t.equal(trailer?.get('x-count'), '4');
    });

    await t.test('an error status is a ConnectError with its code, message and metadata', async (t) => {
      const error = await client.sayHello({ name: 'x', failCode: 5 }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      t.equal(error?.code, Code.NotFound);
      t.equal(error?.rawMessage, 'failed with code 5');
      t.equal(error?.metadata.get('x-detail'), 'custom-trailer');
    });
  });

  const preflights: Array<[string, string, number]> = [
    ['a preflight from an allowed origin is answered with 204 and the CORS grant', 'https://app.test', 204],
    ['a preflight from another origin is refused', 'https://evil.test', 403],
  ];
  for (const [name, origin, status] of preflights) {
    await t.test(name, async (t) => {
      const response = await fetch(gw.url('/switchyard.test.Greeter/SayHello'), {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-grpc-web,x-user-agent' },
      });
      await response.arrayBuffer();
      t.equal(response.status, status);
      t.equal(response.headers.get('access-control-allow-origin'), status === 204 ? origin : null);
      if (status === 204) t.equal(response.headers.get('access-control-allow-headers'), 'content-type,x-grpc-web,x-user-agent');
    });
  }
});
