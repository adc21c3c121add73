import { req, type EdgeCase } from './case.js';

/** The Host header: missing, duplicate, malformed, and an absolute-form authority that disagrees with it. */
export const hostCases: EdgeCase[] = [
  { name: 'a missing Host on HTTP/1.1 is refused', source: 'RFC 9112 §3.2', raw: req(['GET /public HTTP/1.1']), expect: { status: 400 } },
  { name: 'two identical Host lines are refused', source: 'RFC 9112 §3.2', raw: req(['GET / HTTP/1.1', 'Host: example.com', 'Host: example.com']), expect: { status: 400 } },
  { name: 'two different Host lines are refused', source: 'RFC 9112 §3.2; HAProxy h1_host_normalization.vtc', raw: req(['GET / HTTP/1.1', 'Host: a.test', 'Host: example.com']), expect: { status: 400 } },
  { name: 'a Host list is refused', source: 'RFC 9112 §3.2 (a single authority)', raw: req(['GET / HTTP/1.1', 'Host: a.test, example.com']), expect: { status: 400 } },
  { name: 'a Host with a space is refused', source: 'nginx http_host.t', raw: req(['GET / HTTP/1.1', 'Host: exa mple.com']), expect: { status: 400 } },
  { name: 'a Host with userinfo is refused', source: 'nginx http_host.t; RFC 9110 §7.2', raw: req(['GET / HTTP/1.1', 'Host: user@example.com']), expect: { status: 400 } },
  { name: 'a Host with a path is refused', source: 'nginx http_host.t', raw: req(['GET / HTTP/1.1', 'Host: example.com/admin']), expect: { status: 400 } },
  { name: 'a Host with a non-numeric port is refused', source: 'nginx http_host.t (a:80x)', raw: req(['GET / HTTP/1.1', 'Host: example.com:80x']), expect: { status: 400 } },
  { name: 'a Host with a backslash is refused', source: 'RFC 3986 §3.2.2', raw: req(['GET / HTTP/1.1', 'Host: example.com\\admin']), expect: { status: 400 } },
  { name: 'a Host with a NUL byte is refused', source: 'security reference §2.1', raw: req(['GET / HTTP/1.1', 'Host: example.com\x00.evil']), expect: { status: 400 } },
  { name: 'a Host in upper case routes to its router', source: 'RFC 9110 §4.2.3 (host is case-insensitive)', raw: req(['GET / HTTP/1.1', 'Host: EXAMPLE.com']), expect: { forwarded: { route: 'host', path: '/' } } },
  { name: 'a Host with a trailing dot routes to its router', source: 'CVE-2022-23632 (Traefik trailing-dot TLS bypass)', raw: req(['GET / HTTP/1.1', 'Host: example.com.']), expect: { forwarded: { route: 'host' } } },
  { name: 'a Host with a port routes to its router', source: 'Traefik Host matcher ignores the port', raw: req(['GET / HTTP/1.1', 'Host: example.com:8080']), expect: { forwarded: { route: 'host', present: { host: 'example.com:8080' } } } },
  { name: 'an IPv6 literal Host is accepted', source: 'RFC 3986 §3.2.2 (IP-literal)', raw: req(['GET /public HTTP/1.1', 'Host: [::1]:8080']), expect: { forwarded: { route: 'public' } } },
  { name: 'an empty Host is accepted and matches no host rule', source: 'RFC 9112 §3.2 (empty when the target has no authority)', raw: req(['GET /public HTTP/1.1', 'Host:']), expect: { forwarded: { route: 'public' } } },
  { name: 'an absolute-form authority wins over a different Host', source: 'RFC 9112 §3.2.2', raw: req(['GET http://example.com/ HTTP/1.1', 'Host: a.test']), expect: { forwarded: { route: 'host', present: { host: 'example.com' } } } },
  { name: 'an absolute-form authority cannot be smuggled past routing by Host', source: 'RFC 9112 §3.2.2 (route and forward one value)', raw: req(['GET http://a.test/ HTTP/1.1', 'Host: example.com']), expect: { forwarded: { route: 'root', present: { host: 'a.test' } } } },
  { name: 'an X-Forwarded-Host from an untrusted client does not choose the host', source: 'CVE-2024-45410; security reference §2.6', raw: req(['GET / HTTP/1.1', 'Host: a.test', 'X-Forwarded-Host: example.com']), expect: { forwarded: { route: 'root', present: { 'x-forwarded-host': 'a.test' } } } },
];
