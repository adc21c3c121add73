import type { OutgoingHttpHeaders } from 'node:http';

/** A gRPC-Web content type taken apart: text (base64) or binary, and the message format suffix (`+proto`). */
export interface GrpcWebType {
  text: boolean;
  /** `+proto`, `+json`, … or '' (kept on the gRPC side: `application/grpc+proto`). */
  suffix: string;
}

/** Parses `application/grpc-web[-text][+fmt]`; undefined for anything else. */
export function parseGrpcWebType(contentType: string | undefined): GrpcWebType | undefined {
  const match = /^application\/grpc-web(-text)?(\+[a-z0-9.-]+)?\s*(;|$)/i.exec((contentType ?? '').trim());
  if (!match) return undefined;
  return { text: match[1] !== undefined, suffix: (match[2] ?? '').toLowerCase() };
}

/**
 * Decodes a base64 body that arrives in arbitrary chunks: whole 4-character groups are decoded as they
 * come and the rest is carried; a padded group may end one message and a new one start after it
 * (gRPC-Web text clients may encode each message on its own).
 */
export function createBase64Decoder(): { write(chunk: Buffer): Buffer; end(): Buffer } {
  let carry = '';
  const decode = (text: string): Buffer => {
    const parts: Buffer[] = [];
    // Split after each padded group so `AA==BBBB` decodes as two groups, not a truncated one.
    for (const group of text.match(/[^=]*=*/g) ?? []) if (group) parts.push(Buffer.from(group, 'base64'));
    return Buffer.concat(parts);
  };
  return {
    write(chunk) {
      const text = carry + chunk.toString('latin1').replace(/[\r\n\s]/g, '');
      const usable = text.length - (text.length % 4);
      carry = text.slice(usable);
      return decode(text.slice(0, usable));
    },
    end() {
      const rest = carry;
      carry = '';
      return rest ? decode(rest) : Buffer.alloc(0);
    },
  };
}

/**
 * The gRPC-Web trailer frame: flag 0x80, a 4-byte big-endian length, then the trailers as HTTP/1
 * header lines with lower-case names (gRPC-Web protocol, "Message framing").
 */
export function trailerFrame(trailers: OutgoingHttpHeaders): Buffer {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(trailers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name.toLowerCase()}: ${String(item)}\r\n`);
  }
  const body = Buffer.from(lines.join(''), 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 0x80;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}
