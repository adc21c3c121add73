import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { interceptResponse, type ResponseHead } from '../response/intercept.js';
import { sniffContentType } from '../response/sniff.js';
import { chooseEncoding, SUPPORTED_ENCODINGS } from './accept-encoding.js';
import { createEncoder, zstdAvailable } from './encoders.js';
import { startEncoding, type EncodingWriter } from './encode-response.js';
import { hasLists, parseContentTypes, shouldCompressType, skipForRequestType, type TypeFilter } from './type-filter.js';

const DEFAULT_MIN_BYTES = 1024;

const schema = Type.Object(
  {
    encodings: Type.Optional(
      Type.Array(Type.String(), { description: 'Codings offered, in order of preference: gzip, br, zstd. Default [gzip, br, zstd] (zstd only where Node.js has it).' }),
    ),
    defaultEncoding: Type.Optional(
      Type.String({ description: 'Coding used when the request has no Accept-Encoding or accepts any coding (`*`); must be one of `encodings`. Default unset: no header means no compression.' }),
    ),
    excludedContentTypes: Type.Optional(
      Type.Array(Type.String(), { description: 'Media types never compressed (application/grpc and text/event-stream always are not). Excludes includedContentTypes. Default [].' }),
    ),
    includedContentTypes: Type.Optional(
      Type.Array(Type.String(), { description: 'When set, only these media types are compressed. Excludes excludedContentTypes. Default [].' }),
    ),
    minResponseBodyBytes: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Bodies smaller than this are sent uncompressed; 0 means the default. Default 1024.' }),
    ),
  },
  { additionalProperties: false },
);

function headerValue(headers: OutgoingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function addVary(headers: OutgoingHttpHeaders): void {
  const vary = headerValue(headers, 'vary');
  if (!vary) headers.vary = 'Accept-Encoding';
  else if (!vary.split(',').some((v) => ['*', 'accept-encoding'].includes(v.trim().toLowerCase()))) headers.vary = `${vary}, Accept-Encoding`;
}

/** Statuses with no body to compress (RFC 9110 §6.4.1), and 206 whose ranges refer to the identity body. */
function compressibleStatus(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 206 && status !== 304;
}

/**
 * `compress`: compresses responses with gzip, Brotli or zstd as the client's Accept-Encoding allows,
 * streaming chunk by chunk. Never double-encodes, leaves HEAD, Range requests, bodiless statuses and
 * server-sent events alone, and holds at most `minResponseBodyBytes` before deciding.
 */
export const compressMiddleware = defineMiddleware({
  type: 'compress',
  schema,
  create(config, next) {
    const encodings = config.encodings ?? [...SUPPORTED_ENCODINGS];
    if (encodings.length === 0) throw new Error('encodings: at least one encoding must be specified');
    encodings.forEach((name, i) => {
      if (!(SUPPORTED_ENCODINGS as readonly string[]).includes(name)) throw new Error(`encodings[${i}]: unsupported encoding "${name}" (use gzip, br or zstd)`);
    });
    if (config.defaultEncoding !== undefined && !encodings.includes(config.defaultEncoding)) {
      throw new Error(`defaultEncoding: "${config.defaultEncoding}" is not one of encodings`);
    }
    const usable = encodings.filter((name) => name !== 'zstd' || zstdAvailable);
    if (usable.length === 0) throw new Error('encodings: zstd is the only encoding and this Node.js has no zstd');
    const defaultEncoding = config.defaultEncoding !== undefined && usable.includes(config.defaultEncoding) ? config.defaultEncoding : undefined;
    const filter: TypeFilter = parseContentTypes(config.excludedContentTypes ?? [], config.includedContentTypes ?? []);
    const minBytes = config.minResponseBodyBytes || DEFAULT_MIN_BYTES;
    const sniffWhenUntyped = hasLists(filter);

    return (req, res) => {
      if (req.method === 'HEAD' || req.headers.range !== undefined || skipForRequestType(filter, req.headers['content-type'])) return next(req, res);
      const encoding = chooseEncoding(req.headers['accept-encoding'], usable, defaultEncoding);
      interceptResponse(res, (sink) => {
        let mode: 'pass' | 'pending' | 'encode' = 'pass';
        let pending: ResponseHead | undefined;
        let buffered: Buffer[] = [];
        let size = 0;
        let writer: EncodingWriter | undefined;
        const pass = (head: ResponseHead): void => {
          mode = 'pass';
          sink.writeHead(head);
        };
        const encode = (head: ResponseHead): void => {
          mode = 'encode';
          writer = startEncoding(res, sink, createEncoder(encoding!), encoding!, head, buffered);
          buffered = [];
        };
        const decide = (): void => {
          const head = pending!;
          pending = undefined;
          if (headerValue(head.headers, 'content-type') === undefined && sniffWhenUntyped && !shouldCompressType(filter, sniffContentType(Buffer.concat(buffered)))) {
            pass(head);
            for (const chunk of buffered) sink.write(chunk);
            buffered = [];
          } else encode(head);
        };
        return {
          head(head) {
            const coding = headerValue(head.headers, 'content-encoding');
            const type = headerValue(head.headers, 'content-type');
            const encoded = coding !== undefined && coding.trim().toLowerCase() !== 'identity';
            if (!compressibleStatus(head.status) || encoded || (type !== undefined && !shouldCompressType(filter, type))) return pass(head);
            addVary(head.headers);
            if (!encoding) return pass(head);
            const length = Number(headerValue(head.headers, 'content-length') ?? NaN);
            if (Number.isFinite(length) && length < minBytes) return pass(head);
            if (Number.isFinite(length) && (type !== undefined || !sniffWhenUntyped)) return encode(head);
            mode = 'pending';
            pending = head;
          },
          write(chunk) {
            if (mode === 'pass') return sink.write(chunk);
            if (mode === 'encode') return writer!.write(chunk);
            buffered.push(chunk);
            size += chunk.length;
            if (size >= minBytes) decide();
            return true;
          },
          end() {
            if (mode === 'encode') return writer!.end();
            if (mode === 'pending') {
              const head = pending!;
              head.headers['content-length'] ??= String(size);
              pass(head);
              for (const chunk of buffered) sink.write(chunk);
              buffered = [];
            }
            sink.end();
          },
          flush() {
            // A pending response keeps waiting for minResponseBodyBytes: that is the point of the threshold.
            if (mode !== 'pending') sink.flushHeaders();
          },
        };
      });
      return next(req, res);
    };
  },
});
