import tls, { type ConnectionOptions } from 'node:tls';
import http2 from 'node:http2';

/** What one HTTPS exchange over a raw TLS connection showed. */
export interface TlsExchange {
  status?: number;
  body?: string;
  head?: string;
  /** The server certificate's subject CN. */
  servedCN?: string;
  fingerprint?: string;
  alpn?: string | false;
  protocol?: string | null;
  cipher?: string;
  error?: string;
}

/** Sends one HTTP/1.1 GET over TLS with SNI and Host chosen apart (so domain fronting can be tried). */
export function tlsGet(port: number, opts: Partial<ConnectionOptions> & { host?: string; path?: string } = {}): Promise<TlsExchange> {
  const { host, path = '/', ...connect } = opts;
  return new Promise((resolve) => {
    const result: TlsExchange = {};
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...connect });
    let data = '';
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), 5000);
    socket.on('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      result.servedCN = cert.subject?.CN as string | undefined;
      result.fingerprint = cert.fingerprint256;
      result.alpn = socket.alpnProtocol ?? false;
      result.protocol = socket.getProtocol();
      result.cipher = socket.getCipher().name;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host ?? connect.servername ?? 'localhost'}\r\nConnection: close\r\n\r\n`);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      if (data) {
        const [head = '', ...rest] = data.split('\r\n\r\n');
        result.head = head;
        result.status = Number(head.split(' ')[1]);
        result.body = rest.join('\r\n\r\n');
      } else result.error = error?.message ?? 'closed without an answer';
      resolve(result);
    };
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
  });
}

/** Sends one HTTP/2 GET (ALPN h2); resolves with the status, body and negotiated protocol. */
export async function h2Get(port: number, servername: string, path = '/'): Promise<{ status: number; body: string; alpn: string | false | undefined }> {
  const session = http2.connect(`https://127.0.0.1:${port}`, { servername, rejectUnauthorized: false });
  try {
    await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
    const stream = session.request({ ':path': path, ':authority': servername });
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.setEncoding('utf8');
    let body = '';
    for await (const chunk of stream) body += chunk;
    return { status, body, alpn: session.alpnProtocol };
  } finally {
    session.close();
  }
}
