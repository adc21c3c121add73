// A restatement of the basic rules of the WHATWG MIME Sniffing Standard (§7.1 "identifying a resource
// with an unknown MIME type"): markup signatures after leading whitespace, then byte signatures of common
// binary formats, then text versus binary by the presence of control bytes. Only the first 512 bytes count.

const WHITESPACE = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const HTML_TAGS = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];
const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/** Byte signatures, `null` standing for any byte. */
const SIGNATURES: Array<[Array<number | null>, string]> = [
  [[...Buffer.from('%PDF-')], 'application/pdf'],
  [[...Buffer.from('%!PS-Adobe-')], 'application/postscript'],
  [[0xfe, 0xff], 'text/plain; charset=utf-16be'],
  [[0xff, 0xfe], 'text/plain; charset=utf-16le'],
  [[0xef, 0xbb, 0xbf], TEXT],
  [[...Buffer.from('GIF87a')], 'image/gif'],
  [[...Buffer.from('GIF89a')], 'image/gif'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[...Buffer.from('RIFF'), null, null, null, null, ...Buffer.from('WEBPVP')], 'image/webp'],
  [[0x00, 0x00, 0x01, 0x00], 'image/x-icon'],
  [[...Buffer.from('BM')], 'image/bmp'],
  [[0x1f, 0x8b, 0x08], 'application/x-gzip'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[...Buffer.from('Rar!'), 0x1a, 0x07, 0x00], 'application/x-rar-compressed'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
  [[...Buffer.from('OggS'), 0x00], 'application/ogg'],
];

function startsWith(data: Buffer, at: number, signature: Array<number | null>): boolean {
  if (data.length - at < signature.length) return false;
  return signature.every((byte, i) => byte === null || data[at + i] === byte);
}

function isMarkup(data: Buffer, at: number, tag: string): boolean {
  if (data.length - at < tag.length + 1) return false;
  for (let i = 0; i < tag.length; i++) {
    const b = data[at + i]!;
    const expected = tag.charCodeAt(i);
    // Tag names compare case-insensitively.
    if (b !== expected && !(expected >= 0x41 && expected <= 0x5a && b === expected + 0x20)) return false;
  }
  const after = data[at + tag.length]!;
  return after === 0x20 || after === 0x3e;
}

function isBinaryByte(b: number): boolean {
  return b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);
}

/** Guesses a Content-Type from a body's first bytes; never fails (application/octet-stream is the fallback). */
export function sniffContentType(body: Buffer): string {
  const data = body.subarray(0, 512);
  let at = 0;
  while (at < data.length && WHITESPACE.has(data[at]!)) at++;
  if (HTML_TAGS.some((tag) => isMarkup(data, at, tag))) return HTML;
  if (startsWith(data, at, [...Buffer.from('<?xml')])) return 'text/xml; charset=utf-8';
  for (const [signature, type] of SIGNATURES) if (startsWith(data, 0, signature)) return type;
  if (data.length > 0 && data.some(isBinaryByte)) return 'application/octet-stream';
  return TEXT;
}
