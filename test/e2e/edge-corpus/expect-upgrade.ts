import { req, type EdgeCase } from './case.js';

const H = 'Host: a.test';
const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
const VERSION = 'Sec-WebSocket-Version: 13';

/** Expect: 100-continue, h2c upgrades (never tunnelled) and WebSocket handshakes (valid and invalid). */
export const expectUpgradeCases: EdgeCase[] = [
  { name: 'Expect: 100-continue gets 100, and the server gets the body without Expect', source: 'RFC 9110 §10.1.1; security reference §2.11', raw: req(['POST /public HTTP/1.1', H, 'Expect: 100-continue', 'Content-Length: 3'], 'abc'), expect: { forwarded: { interim: 100, absent: ['expect'], body: 'abc' } } },
  { name: 'Expect: 100-continue in mixed case is honoured', source: 'RFC 9110 §10.1.1 (case-insensitive token)', raw: req(['POST /public HTTP/1.1', H, 'Expect: 100-Continue', 'Content-Length: 3'], 'abc'), expect: { forwarded: { interim: 100, absent: ['expect'], body: 'abc' } } },
  { name: 'Expect: 100-continue on a bodiless GET is forwarded without Expect', source: 'RFC 9110 §10.1.1', raw: req(['GET /public HTTP/1.1', H, 'Expect: 100-continue']), expect: { forwarded: { absent: ['expect'] } } },
  { name: 'an unknown expectation is refused with 417', source: 'RFC 9110 §10.1.1; Node (Expect: 200-ok → 417)', raw: req(['GET /public HTTP/1.1', H, 'Expect: 200-ok']), expect: { status: 417 } },
  { name: 'an h2c upgrade is served as plain HTTP/1.1', source: 'BishopFox h2csmuggler; security reference §2.12', raw: req(['GET /public HTTP/1.1', H, 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', 'Connection: Upgrade, HTTP2-Settings']), expect: { forwarded: { absent: ['upgrade', 'http2-settings'] } } },
  { name: 'an h2c upgrade to a protected path is routed like any request', source: 'BishopFox h2csmuggler', raw: req(['GET /admin HTTP/1.1', H, 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', 'Connection: Upgrade, HTTP2-Settings']), expect: { forwarded: { route: 'admin', absent: ['upgrade', 'http2-settings'] } } },
  { name: 'an h2c upgrade with a body is refused', source: 'RFC 9113 §3.2 (h2c removed); security reference §2.12', raw: req(['POST /public HTTP/1.1', H, 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', 'Connection: Upgrade, HTTP2-Settings', 'Content-Length: 3'], 'abc'), expect: { status: 400 } },
  { name: 'an upgrade to websocket and h2c together is not tunnelled', source: 'security reference §2.12 (only websocket)', raw: req(['GET /public HTTP/1.1', H, 'Upgrade: websocket, h2c', 'Connection: Upgrade', KEY, VERSION]), expect: { forwarded: { absent: ['upgrade'] } } },
  { name: 'a valid WebSocket handshake is tunnelled', source: 'RFC 6455 §4.1', raw: req(['GET /public/ws HTTP/1.1', H, 'Upgrade: websocket', 'Connection: Upgrade', KEY, VERSION]), expect: { forwarded: { status: 101, route: 'public', present: { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } } } },
  { name: 'a WebSocket handshake in odd case is tunnelled', source: 'RFC 6455 §4.1 (case-insensitive)', raw: req(['GET /public/ws HTTP/1.1', H, 'Upgrade: WebSocket', 'Connection: keep-alive, Upgrade', KEY, VERSION]), expect: { forwarded: { status: 101, present: { upgrade: 'websocket' } } } },
  { name: 'a WebSocket handshake without a key is refused', source: 'RFC 6455 §4.1; HAProxy websocket.vtc', raw: req(['GET /public/ws HTTP/1.1', H, 'Upgrade: websocket', 'Connection: Upgrade', VERSION]), expect: { status: 400 } },
  { name: 'a WebSocket handshake with an empty key is refused', source: 'RFC 6455 §4.1', raw: req(['GET /public/ws HTTP/1.1', H, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key:', VERSION]), expect: { status: 400 } },
  { name: 'a WebSocket handshake with POST is refused', source: 'RFC 6455 §4.1 (GET only)', raw: req(['POST /public/ws HTTP/1.1', H, 'Upgrade: websocket', 'Connection: Upgrade', KEY, VERSION, 'Content-Length: 0']), expect: { status: 400 } },
  { name: 'a WebSocket Upgrade without Connection: upgrade is served as plain HTTP', source: 'RFC 9110 §7.8', raw: req(['GET /public/ws HTTP/1.1', H, 'Upgrade: websocket', KEY, VERSION]), expect: { forwarded: { absent: ['upgrade'] } } },
  { name: 'a WebSocket Upgrade on HTTP/1.0 is not tunnelled', source: 'RFC 9110 §7.8 (ignore Upgrade in HTTP/1.0)', raw: req(['GET /public/ws HTTP/1.0', H, 'Upgrade: websocket', 'Connection: Upgrade', KEY, VERSION]), expect: { forwarded: { absent: ['upgrade'] } } },
];
