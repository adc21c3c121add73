import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { parseClientHello, peekConnection } from '../../../src/tls/client-hello.js';

/** Captures the ClientHello a real Node TLS client sends. */
async function captureHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const accepted = once(server, 'connection');
  const client = tls.connect({ port, host: '127.0.0.1', ...options });
  client.on('error', () => undefined);
  const [socket] = (await accepted) as [net.Socket];
  const { bytes } = await peekConnection(socket, 2000);
  client.destroy();
  socket.destroy();
  server.close();
  return bytes;
}

t.test('the ClientHello of a real client is parsed', async (t) => {
  const cases: Array<[string, tls.ConnectionOptions, { servername?: string; alpn: string[] }]> = [
    ['SNI and ALPN', { servername: 'a.example.com', ALPNProtocols: ['h2', 'http/1.1'] }, { servername: 'a.example.com', alpn: ['h2', 'http/1.1'] }],
    ['only acme-tls/1', { servername: 'b.test', ALPNProtocols: ['acme-tls/1'] }, { servername: 'b.test', alpn: ['acme-tls/1'] }],
    ['no SNI and no ALPN', {}, { alpn: [] }],
  ];
  for (const [name, options, expected] of cases) {
    await t.test(name, async (t) => t.same(parseClientHello(await captureHello(options)), expected));
  }
});

t.test('partial and foreign bytes are told apart', async (t) => {
  const hello = await captureHello({ servername: 'a.test' });
  t.equal(parseClientHello(hello.subarray(0, 20)), 'incomplete');
  t.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), 'incomplete', 'not a handshake record: no complete hello');
  const notHello = Buffer.from(hello);
  notHello[5] = 0x02;
  t.equal(parseClientHello(notHello), 'invalid');
});
