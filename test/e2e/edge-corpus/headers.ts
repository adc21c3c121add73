import { req, type EdgeCase } from './case.js';

const H = 'Host: a.test';
const get = (...lines: string[]) => req(['GET /public HTTP/1.1', H, ...lines]);
const many = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v`);

/** Header handling: hop-by-hop and Connection-listed removal, X-Forwarded-* spoofing, underscore aliases, size and count limits. */
export const headerCases: EdgeCase[] = [
  { name: 'a Connection-listed header is removed', source: 'RFC 9110 §7.6.1', raw: get('Connection: X-Secret', 'X-Secret: 1'), expect: { forwarded: { absent: ['x-secret'] } } },
  { name: 'a Connection list with close is removed too', source: 'RFC 9110 §7.6.1', raw: get('Connection: close, X-Secret', 'X-Secret: 1'), expect: { forwarded: { absent: ['x-secret'] } } },
  { name: 'Keep-Alive is removed', source: 'RFC 9110 §7.6.1', raw: get('Keep-Alive: timeout=5'), expect: { forwarded: { absent: ['keep-alive'] } } },
  { name: 'TE is removed', source: 'RFC 9110 §7.6.1; security reference §2.3 (te: trailers leaked)', raw: get('TE: trailers'), expect: { forwarded: { absent: ['te'] } } },
  { name: 'Proxy-Connection is removed', source: 'RFC 9110 §7.6.1', raw: get('Proxy-Connection: keep-alive'), expect: { forwarded: { absent: ['proxy-connection'] } } },
  { name: 'an Upgrade without Connection: upgrade is dropped', source: 'RFC 9110 §7.8; security reference §2.2', raw: get('Upgrade: websocket'), expect: { forwarded: { absent: ['upgrade'] } } },
  { name: 'a Trailer announcement is removed', source: 'node-http-proxy #1647 (Trailer DoS); RFC 9110 §6.6.2', raw: get('Trailer: X-Forwarded-For'), expect: { forwarded: { absent: ['trailer'] } } },
  { name: 'Connection cannot remove a forwarding header the gateway sets', source: 'CVE-2024-45410 (Traefik)', raw: get('Connection: X-Forwarded-For, X-Forwarded-Host, X-Real-Ip'), expect: { forwarded: { present: { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'a.test', 'x-real-ip': '127.0.0.1' } } } },
  { name: 'Connection cannot remove the Content-Length of a POST', source: 'RFC 9110 §7.6.1; RFC 9112 §6.3', raw: req(['POST /public HTTP/1.1', H, 'Connection: Content-Length', 'Content-Length: 3'], 'abc'), expect: { forwarded: { present: { 'content-length': '3' }, body: 'abc' } } },
  { name: 'Connection cannot remove the Host', source: 'RFC 9110 §7.6.1 (Host is end-to-end)', raw: get('Connection: Host'), expect: { forwarded: { present: { host: 'a.test' } } } },
  { name: 'a spoofed X-Forwarded-For is replaced', source: 'security reference §2.6 (untrusted peers)', raw: get('X-Forwarded-For: 6.6.6.6'), expect: { forwarded: { present: { 'x-forwarded-for': '127.0.0.1' } } } },
  { name: 'two spoofed X-Forwarded-For lines are replaced', source: 'security reference §2.6', raw: get('X-Forwarded-For: 6.6.6.6', 'X-Forwarded-For: 7.7.7.7'), expect: { forwarded: { present: { 'x-forwarded-for': '127.0.0.1' } } } },
  { name: 'a spoofed X-Forwarded-Proto is replaced', source: 'security reference §2.6', raw: get('X-Forwarded-Proto: https'), expect: { forwarded: { present: { 'x-forwarded-proto': 'http' } } } },
  { name: 'a spoofed X-Forwarded-Host is replaced', source: 'security reference §2.6', raw: get('X-Forwarded-Host: evil.test'), expect: { forwarded: { present: { 'x-forwarded-host': 'a.test' } } } },
  { name: 'a spoofed X-Real-Ip is replaced', source: 'security reference §2.6', raw: get('X-Real-Ip: 6.6.6.6'), expect: { forwarded: { present: { 'x-real-ip': '127.0.0.1' } } } },
  { name: 'a spoofed X-Forwarded-Prefix is removed', source: 'CVE-2024-52003; CVE-2020-15129', raw: get('X-Forwarded-Prefix: /evil'), expect: { forwarded: { absent: ['x-forwarded-prefix'] } } },
  { name: 'a spoofed X-Forwarded-Uri is removed', source: 'security reference §2.6 (Traefik managed list)', raw: get('X-Forwarded-Uri: /admin'), expect: { forwarded: { absent: ['x-forwarded-uri'] } } },
  { name: 'a spoofed X-Forwarded-Tls-Client-Cert is removed', source: 'security reference §2.6 (Traefik managed list)', raw: get('X-Forwarded-Tls-Client-Cert: MIIB'), expect: { forwarded: { absent: ['x-forwarded-tls-client-cert'] } } },
  { name: 'an underscore alias of X-Forwarded-For is removed', source: 'GHSA-5m6w-wvh7-57vm (CVE-2026-39858)', raw: get('X_Forwarded_For: 6.6.6.6'), expect: { forwarded: { absent: ['x_forwarded_for'], present: { 'x-forwarded-for': '127.0.0.1' } } } },
  { name: 'an underscore alias of X-Forwarded-Proto is removed', source: 'GHSA-5m6w-wvh7-57vm', raw: get('X-Forwarded_Proto: https'), expect: { forwarded: { absent: ['x-forwarded_proto'] } } },
  { name: 'any underscore header is deleted by default', source: 'security reference §2.2 (Envoy, Traefik underscoreHeadersStrategy); nginx underscores_in_headers', raw: get('X_Auth_User: admin'), expect: { forwarded: { absent: ['x_auth_user'] } } },
  { name: 'an underscore header is refused where the strategy is reject', source: 'Envoy headers_with_underscores_action REJECT_REQUEST', entryPoint: 'strict', raw: get('X_Auth_User: admin'), expect: { status: 400 } },
  { name: 'an underscore header is kept where the strategy is keep', source: 'Traefik underscoreHeadersStrategy=keep', entryPoint: 'lenient', raw: get('X_Custom: 1'), expect: { forwarded: { present: { x_custom: '1' } } } },
  { name: 'a field name with a space is refused', source: 'RFC 9110 §5.1 (token); Node llhttp', raw: get('X Auth: 1'), expect: { status: 400 } },
  { name: 'an empty field name is refused', source: 'RFC 9110 §5.1', raw: get(': x'), expect: { status: 400 } },
  { name: 'a line without a colon is refused', source: 'RFC 9112 §5', raw: get('X-NoColon'), expect: { status: 400 } },
  { name: 'obs-text in a value is forwarded untouched', source: 'RFC 9110 §5.5 (obs-text)', raw: Buffer.from('GET /public HTTP/1.1\r\nHost: a.test\r\nX-Latin: caf\xe9\r\n\r\n', 'latin1'), expect: { forwarded: { present: { 'x-latin': 'caf\xe9' } } } },
  { name: 'a 64 KiB header passes the default 1 MiB limit', source: 'Traefik http.maxHeaderBytes default (Go DefaultMaxHeaderBytes)', raw: get(`X-Big: ${'b'.repeat(64 * 1024)}`), expect: { forwarded: { present: { 'x-big': true } } } },
  { name: 'a header over maxHeaderBytes is refused with 431', source: 'RFC 6585 §5; Traefik TestMaxHeaderBytes', entryPoint: 'strict', raw: get(`X-Big: ${'b'.repeat(5000)}`), expect: { status: 431 } },
  { name: 'headers just under maxHeaderBytes pass', source: 'Traefik TestMaxHeaderBytes (at the limit → 200)', entryPoint: 'strict', raw: get(`X-Big: ${'b'.repeat(3000)}`), expect: { forwarded: { present: { 'x-big': true } } } },
  { name: 'a header over the 1 MiB default is refused with 431', source: 'Traefik http.maxHeaderBytes; RFC 6585 §5', raw: get(`X-Big: ${'b'.repeat((1 << 20) + 10)}`), expect: { status: 431 } },
  { name: 'more header lines than maxHeaderCount are refused with 431', source: 'Envoy max_headers_count; RFC 6585 §5', entryPoint: 'strict', raw: get(...many(30)), expect: { status: 431 } },
  { name: 'header lines within maxHeaderCount pass', source: 'Envoy max_headers_count', entryPoint: 'strict', raw: get(...many(15)), expect: { forwarded: { present: { 'x-h14': 'v' } } } },
  { name: 'more than the default 200 header lines are refused', source: 'Envoy max_headers_count (100); Node maxHeadersCount (2000)', raw: get(...many(250)), expect: { status: 431 } },
];
