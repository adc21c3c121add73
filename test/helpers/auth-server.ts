import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { startBackend } from './backends.js';

/** One request as the auth server received it. */
export interface SeenAuthRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Subject CN of the client certificate, over TLS. */
  clientCert?: string;
}

/** A real auth server for forwardAuth tests; it decides by the Authorization header. */
export interface AuthServer {
  url: string;
  seen: SeenAuthRequest[];
  close(): Promise<void>;
}

/**
 * Answers by `Authorization`: `Bearer good` → 200 with identity headers and cookies; `Bearer redirect`
 * → 302 to a relative Location; `Bearer big` → 403 with a 100-byte body; `Bearer boom` → 500; anything
 * else → 401 with a challenge and a body.
 */
function decide(req: IncomingMessage, res: ServerResponse, body: string, seen: SeenAuthRequest[]): void {
  const socket = req.socket as TLSSocket;
  const clientCert = socket.encrypted ? socket.getPeerCertificate()?.subject?.CN : undefined;
  seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, ...(clientCert ? { clientCert: String(clientCert) } : {}) });
  const auth = req.headers.authorization;
  if (auth === 'Bearer good') {
    res.writeHead(200, [
      ['X-Auth-User', 'alice'],
      ['X-Auth-Role', 'admin'],
      ['X-Other', 'not-copied'],
      ['Set-Cookie', 'auth_session=abc; Path=/'],
      ['Set-Cookie', 'tracking=zzz'],
    ].flat());
    return void res.end();
  }
  if (auth === 'Bearer redirect') return void res.writeHead(302, { location: '/login?next=1', 'x-reason': 'redirect' }).end('go');
  if (auth === 'Bearer big') return void res.writeHead(403).end('x'.repeat(100));
  if (auth === 'Bearer boom') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('auth down');
  res.writeHead(401, { 'www-authenticate': 'Bearer realm="app"', 'x-reason': 'missing', 'content-type': 'text/plain', connection: 'close' });
  res.end('login please');
}

function handler(seen: SeenAuthRequest[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => decide(req, res, Buffer.concat(chunks).toString(), seen));
  };
}

/** Starts the auth server over plain HTTP on port 0. */
export async function startAuthServer(): Promise<AuthServer> {
  const seen: SeenAuthRequest[] = [];
  const backend = await startBackend(handler(seen));
  return { url: backend.url, seen, close: () => backend.close() };
}

/** Starts the auth server over HTTPS on port 0, asking for (not requiring) a client certificate. */
export async function startTlsAuthServer(cert: string, key: string, ca: string): Promise<AuthServer> {
  const seen: SeenAuthRequest[] = [];
  const server = https.createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: false }, handler(seen));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
