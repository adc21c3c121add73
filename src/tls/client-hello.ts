import type { Socket } from 'node:net';

/** What the gateway reads from a TLS ClientHello before handing the connection on. */
export interface ClientHello {
  servername?: string;
  alpn: string[];
}

// A ClientHello may span several records (RFC 8446 §5.1); beyond this it is not a hello we serve.
const MAX_HELLO = 64 * 1024;

/**
 * Reads the connection's first bytes without consuming them: resolves with what was read (to be
 * unshifted) and, when it starts with a TLS handshake record (0x16), the parsed ClientHello.
 */
export function peekConnection(socket: Socket, timeoutMs: number): Promise<{ bytes: Buffer; hello?: ClientHello; tls: boolean }> {
  return new Promise((resolve, reject) => {
    let bytes: Buffer = Buffer.alloc(0);
    const timer = timeoutMs > 0 ? setTimeout(() => done(new Error('no TLS ClientHello in time')), timeoutMs) : undefined;
    const done = (error?: Error, hello?: ClientHello) => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      socket.pause();
      if (error) reject(error);
      else resolve({ bytes, tls: bytes[0] === 0x16, ...(hello ? { hello } : {}) });
    };
    const onData = (chunk: Buffer) => {
      bytes = bytes.length ? Buffer.concat([bytes, chunk]) : chunk;
      if (bytes[0] !== 0x16) return done();
      const parsed = parseClientHello(bytes);
      if (parsed === 'incomplete' && bytes.length < MAX_HELLO) return;
      done(undefined, parsed === 'incomplete' || parsed === 'invalid' ? undefined : parsed);
    };
    const onEnd = () => done(new Error('connection ended before its first request'));
    const onError = (error: Error) => done(error);
    socket.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

/** Parses SNI (RFC 6066 §3) and ALPN (RFC 7301) from handshake records; `incomplete` asks for more bytes. */
export function parseClientHello(bytes: Buffer): ClientHello | 'incomplete' | 'invalid' {
  // Reassemble the handshake layer from consecutive records.
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    if (bytes[offset] !== 0x16) break;
    const length = bytes.readUInt16BE(offset + 3);
    if (offset + 5 + length > bytes.length) break;
    parts.push(bytes.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  const hs = Buffer.concat(parts);
  if (hs.length < 4) return 'incomplete';
  if (hs[0] !== 0x01) return 'invalid';
  const length = hs.readUIntBE(1, 3);
  if (hs.length < 4 + length) return 'incomplete';
  try {
    return parseHelloBody(hs.subarray(4, 4 + length));
  } catch {
    return 'invalid';
  }
}

function parseHelloBody(body: Buffer): ClientHello {
  let p = 2 + 32; // version, random
  p += 1 + body[p]!; // session id
  p += 2 + body.readUInt16BE(p); // cipher suites
  p += 1 + body[p]!; // compression methods
  const result: ClientHello = { alpn: [] };
  if (p + 2 > body.length) return result;
  const end = p + 2 + body.readUInt16BE(p);
  p += 2;
  while (p + 4 <= end) {
    const type = body.readUInt16BE(p);
    const size = body.readUInt16BE(p + 2);
    const ext = body.subarray(p + 4, p + 4 + size);
    p += 4 + size;
    if (type === 0) {
      // server_name list: type 0 = host_name.
      let q = 2;
      while (q + 3 <= ext.length) {
        const nameLength = ext.readUInt16BE(q + 1);
        if (ext[q] === 0) result.servername = ext.subarray(q + 3, q + 3 + nameLength).toString('latin1');
        q += 3 + nameLength;
      }
    } else if (type === 16) {
      let q = 2;
      while (q < ext.length) {
        const protoLength = ext[q]!;
        result.alpn.push(ext.subarray(q + 1, q + 1 + protoLength).toString('latin1'));
        q += 1 + protoLength;
      }
    }
  }
  return result;
}
