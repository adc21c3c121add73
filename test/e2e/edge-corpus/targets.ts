import { req, type EdgeCase } from './case.js';

const H = 'Host: a.test';

/** Request lines and targets: absolute-form, asterisk-form, fragments, methods, versions, HTTP/0.9 and HTTP/2.0 lines. */
export const targetCases: EdgeCase[] = [
  { name: 'an absolute-form target is forwarded in origin-form', source: 'RFC 9112 §3.2.2', raw: req(['GET http://a.test/public/x?q=1 HTTP/1.1', H]), expect: { forwarded: { route: 'public', path: '/public/x?q=1', present: { host: 'a.test' } } } },
  { name: 'an absolute-form https target is forwarded in origin-form', source: 'RFC 9112 §3.2.2', raw: req(['GET https://a.test/public HTTP/1.1', H]), expect: { forwarded: { route: 'public', path: '/public' } } },
  { name: 'an absolute-form target without a path becomes /', source: 'RFC 9112 §3.2.1', raw: req(['GET http://a.test HTTP/1.1', H]), expect: { forwarded: { route: 'root', path: '/' } } },
  { name: 'an absolute-form target with userinfo is refused', source: 'RFC 9110 §4.2.4 (userinfo is deprecated and dangerous)', raw: req(['GET http://user@a.test/public HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'the asterisk-form with GET is refused', source: 'RFC 9112 §3.2.4; HAProxy h1_request_target_validation.vtc', raw: req(['GET * HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'the asterisk-form with OPTIONS is not routed', source: 'RFC 9112 §3.2.4 (server-wide OPTIONS has no route)', raw: req(['OPTIONS * HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'an asterisk followed by a path is refused', source: 'HAProxy h1_request_target_validation.vtc', raw: req(['GET */test HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'a fragment in the target is refused', source: 'CVE-2023-47106 (Traefik TestDenyFragment)', raw: req(['GET /public#x HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'a fragment after the query is refused', source: 'CVE-2023-47106', raw: req(['GET /public?a=1#x HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'an HTTP/0.9 request line is refused', source: 'RFC 9112 §2.3 (HTTP/0.9 not supported)', raw: 'GET /public\r\n\r\n', expect: { status: 400 } },
  { name: 'an HTTP/2.0 version on an HTTP/1 line is refused', source: 'RFC 9112 §2.3; security reference §2.2', raw: req(['GET /public HTTP/2.0', H]), expect: { status: 505 } },
  { name: 'HTTP/1.2 is refused', source: 'RFC 9112 §2.3; Node llhttp', raw: req(['GET /public HTTP/1.2', H]), expect: { status: 400 } },
  { name: 'a lower-case version is refused', source: 'RFC 9112 §2.3 (HTTP-name is case-sensitive)', raw: req(['GET /public http/1.1', H]), expect: { status: 400 } },
  // The HTTP/2 preface opens h2c with prior knowledge (RFC 9113 §3.3): test/e2e/grpc.test.ts covers it.
  { name: 'a lower-case method is refused', source: 'RFC 9110 §9.1 (methods are case-sensitive); Node llhttp', raw: req(['get /public HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'an unknown method is refused', source: 'Node llhttp fixed method table (security reference §2.1)', raw: req(['FOO /public HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'CONNECT is refused', source: 'security reference §2.2; GHSA-3ccp-42pg-hgv6', raw: req(['CONNECT a.test:443 HTTP/1.1', 'Host: a.test:443']), expect: { status: 405 } },
  { name: 'an authority-form target with GET is refused', source: 'RFC 9112 §3.2.3; HAProxy h1_request_target_validation.vtc', raw: req(['GET a.test:80 HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'a target without a leading slash is refused', source: 'HAProxy h1_request_target_validation.vtc (GET admin)', raw: req(['GET admin HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'a tab inside the target is refused', source: 'nginx 1.21.1 changelog; Node llhttp', raw: req(['GET /pub\tlic HTTP/1.1', H]), expect: { status: 400 } },
  { name: 'a non-ASCII byte inside the target is refused', source: 'RFC 3986 §2; nginx http_uri.t', raw: Buffer.from('GET /public/\xff HTTP/1.1\r\nHost: a.test\r\n\r\n', 'latin1'), expect: { status: 400 } },
  { name: 'an HTTP/1.0 request without Host is served', source: 'RFC 9112 §3.2 (Host is required from HTTP/1.1 on)', raw: req(['GET /public HTTP/1.0']), expect: { forwarded: { route: 'public', path: '/public' } } },
  { name: 'the query is forwarded byte for byte', source: 'RFC 9110 §7.7 (a gateway normalises the path only)', raw: req(['GET /public?a=%2F&b=/../&c=%zz HTTP/1.1', H]), expect: { forwarded: { route: 'public', path: '/public?a=%2F&b=/../&c=%zz' } } },
  { name: 'HEAD is forwarded as HEAD', source: 'RFC 9110 §9.3.2', raw: req(['HEAD /public HTTP/1.1', H]), expect: { forwarded: { route: 'public', path: '/public' } } },
  { name: 'a request line longer than maxHeaderBytes is refused', source: 'RFC 9112 §3 (414 or 4xx); Traefik TestMaxHeaderBytes', entryPoint: 'strict', raw: req([`GET /public/${'a'.repeat(5000)} HTTP/1.1`, H]), expect: { status: 431 } },
];
