import t, { type Test } from 'tap';
import type { IncomingHttpHeaders } from 'node:http';
import { startBackend, rawRequest, statusOf, type Backend } from '../../helpers/backends.js';
import { startHarness, type HarnessOptions } from '../../helpers/forward-harness.js';

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  trailers: Record<string, string | undefined>;
  body: string;
}

async function echoBackend(): Promise<Backend> {
  return startBackend((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, trailers: req.trailers, body: Buffer.concat(chunks).toString() };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(echo));
    });
  });
}

/** Sends a raw request through a fresh harness and returns what the back end saw. */
async function through(t: Test, request: string, options: Partial<HarnessOptions> = {}, targetPath = ''): Promise<{ echo: Echo; status: number; port: number; backend: Backend; text: string }> {
  const backend = await echoBackend();
  const harness = await startHarness({ target: backend.url + targetPath, ...options });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, request.replaceAll('{port}', String(harness.port)));
  // Node answers `Expect: 100-continue` itself; the final response follows the interim one.
  result.text = result.text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  const body = result.text.slice(result.text.indexOf('\r\n\r\n') + 4);
  const status = statusOf(result.text);
  return { echo: status === 200 ? (JSON.parse(body) as Echo) : ({} as Echo), status, port: harness.port, backend, text: result.text };
}


const spoofing = [
  'X-Forwarded-For: 6.6.6.6',
  'X-Forwarded-Proto: https',
  'X-Forwarded-Host: evil.test',
  'X-Forwarded-Prefix: /evil',
  'X-Real-Ip: 6.6.6.6',
  'Forwarded: for=6.6.6.6',
  'X_Forwarded_For: 6.6.6.6',
  'X_Forwarded_Proto: https',
].join('\r\n');

const headerCases: Array<[string, string, Partial<HarnessOptions>, (h: IncomingHttpHeaders, port: number) => IncomingHttpHeaders]> = [
  [
    'an untrusted client cannot spoof any forwarding header or alias',
    spoofing,
    {},
    (h, port) => ({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': `127.0.0.1:${port}`,
      'x-forwarded-port': String(port),
      'x-real-ip': '127.0.0.1',
      'x-forwarded-prefix': h['x-forwarded-prefix'],
      forwarded: h.forwarded,
      x_forwarded_for: h.x_forwarded_for,
      x_forwarded_proto: h.x_forwarded_proto,
    }),
  ],
  [
    'a trusted client keeps its values and is appended to X-Forwarded-For',
    'X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\nX-Forwarded-Proto: https',
    { trusted: true },
    () => ({ 'x-forwarded-for': '1.2.3.4, 5.6.7.8, 127.0.0.1', 'x-forwarded-proto': 'https' }),
  ],
  [
    'the forwarder applies the strict default when the entry point did not',
    'X-Forwarded-For: 6.6.6.6',
    { skipForwardedHeaders: true },
    () => ({ 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' }),
  ],
];
for (const [name, extra, options, expected] of headerCases) {
  t.test(name, async (t) => {
    const { echo, port } = await through(t, `GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n${extra}\r\nConnection: close\r\n\r\n`, options);
    const want = expected(echo.headers, port);
    for (const [key, value] of Object.entries(want)) t.equal(echo.headers[key], value, key);
    if (!options.trusted) for (const alias of ['x-forwarded-prefix', 'forwarded', 'x_forwarded_for', 'x_forwarded_proto']) t.notOk(echo.headers[alias], `${alias} removed`);
  });
}

const hopCases: Array<[string, string, string[], Record<string, string>]> = [
  // [description, extra request headers, headers the back end must not see, headers it must see]
  ['fields named in Connection are removed before forwarding', 'Connection: close, X-Secret, Authorization\r\nX-Secret: 1\r\nAuthorization: Basic eA==', ['x-secret', 'authorization'], {}],
  [
    'a client cannot remove the gateway headers through Connection',
    'Connection: close, X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-For, X-Real-Ip',
    [],
    { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
  ],
  ['standard hop-by-hop fields are removed', 'Connection: close\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c', ['keep-alive', 'te', 'proxy-connection', 'upgrade'], {}],
  ['Expect is answered by the gateway and not forwarded', 'Connection: close\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi', ['expect'], { 'content-length': '2' }],
  ['a Connection token naming Content-Length or Host cannot break framing or routing', 'Connection: close, Content-Length, Host\r\nContent-Length: 3\r\n\r\nabc', [], { 'content-length': '3' }],
  ['a Content-Length with leading zeros is forwarded as its canonical decimal', 'Connection: close\r\nContent-Length: 003\r\n\r\nabc', [], { 'content-length': '3' }],
];
for (const [name, extra, absent, present] of hopCases) {
  t.test(name, async (t) => {
    const head = extra.includes('\r\n\r\n') ? extra : `${extra}\r\n`;
    const request = `POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n${head}${extra.includes('\r\n\r\n') ? '' : 'Content-Length: 0\r\n\r\n'}`;
    const { echo, status } = await through(t, request);
    t.equal(status, 200);
    for (const key of absent) t.equal(echo.headers[key], undefined, `${key} absent`);
    for (const [key, value] of Object.entries(present)) t.equal(echo.headers[key], value, `${key} present`);
    t.equal(echo.headers.connection, 'keep-alive', 'the gateway speaks keep-alive to the server on its own terms');
    t.ok(echo.headers.host, 'Host is always sent');
  });
}

t.test('an odd Transfer-Encoding is re-framed as plain chunked with the body intact', async (t) => {
  const { echo } = await through(t, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
  t.equal(echo.headers['transfer-encoding'], 'chunked');
  t.equal(echo.body, 'abc');
});

t.test('request trailers are never forwarded, so a forwarding header cannot be smuggled in one', async (t) => {
  const { echo } = await through(t, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Forwarded-For\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-Ip: 6.6.6.6\r\n\r\n');
  t.equal(echo.body, 'abc');
  t.same(echo.trailers, {});
  t.equal(echo.headers.trailer, undefined);
  t.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
});

t.test('a chunked DELETE body survives http-proxy-3 DELETE handling', async (t) => {
  const { echo } = await through(t, 'DELETE /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\ngone\r\n0\r\n\r\n');
  t.equal(echo.method, 'DELETE');
  t.equal(echo.body, 'gone');
  t.equal(echo.headers['content-length'], undefined);
});

const pathCases: Array<[string, string, string, Partial<HarnessOptions>, string]> = [
  // [description, request target, server URL path, options, path the server sees]
  ['the normalised path is forwarded, not the raw target', '/a/../b%41?x=%2e%2e', '', {}, '/bA?x=%2e%2e'],
  ['encoded dot segments never reach the server', '/public/%2e%2e/admin', '', {}, '/admin'],
  ['duplicate slashes are merged before forwarding', '//a//b/', '', {}, '/a/b/'],
  ['reserved escapes reach the server encoded', '/a%3fb%20c', '', {}, '/a%3Fb%20c'],
  ['the server URL path is dropped without preservePath', '/x?q', '/base/', {}, '/x?q'],
  ['the server URL path is kept in front with preservePath', '/x?q', '/base/', { preservePath: true } as never, '/base/x?q'],
  ['preservePath with a root server path forwards the request path', '/x', '/', { preservePath: true } as never, '/x'],
];
for (const [name, target, serverPath, options, seen] of pathCases) {
  t.test(name, async (t) => {
    const preserve = (options as { preservePath?: boolean }).preservePath === true;
    const backend = await echoBackend();
    const harness = await startHarness({ target: { url: new URL(backend.url + serverPath), preservePath: preserve } });
    t.teardown(async () => {
      await harness.close();
      await backend.close();
    });
    const result = await rawRequest(harness.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const echo = JSON.parse(result.text.slice(result.text.indexOf('\r\n\r\n') + 4)) as Echo;
    t.equal(echo.url, seen);
  });
}

const hostCases: Array<[string, boolean, (port: number) => string]> = [
  ['the client Host is passed with passHostHeader', true, () => 'app.test:1234'],
  ['the server host and port are sent without passHostHeader', false, (port) => `127.0.0.1:${port}`],
];
for (const [name, passHostHeader, expected] of hostCases) {
  t.test(name, async (t) => {
    const { echo, backend } = await through(t, 'GET / HTTP/1.1\r\nHost: app.test:1234\r\nConnection: close\r\n\r\n', { passHostHeader });
    t.equal(echo.headers.host, expected(backend.port));
  });
}

t.test('the server URL is recorded in the request context for logs', async (t) => {
  const backend = await echoBackend();
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  await fetch(`${harness.url}/x`).then((r) => r.text());
  t.equal(harness.contexts[0]?.serverUrl, `${backend.url}/`);
  t.same(await harness.nextOutcome(), { status: 200, responded: true });
});

t.test('response hop-by-hop fields are removed and repeated fields kept', async (t) => {
  const backend = await startBackend((_req, res) => {
    res.setHeader('connection', 'X-Secret');
    res.setHeader('x-secret', 'leak');
    res.setHeader('keep-alive', 'timeout=99');
    res.setHeader('proxy-authenticate', 'Basic');
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.end('ok');
  });
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const result = await rawRequest(harness.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const head = result.text.slice(0, result.text.indexOf('\r\n\r\n')).toLowerCase();
  t.notMatch(head, /x-secret/);
  t.notMatch(head, /keep-alive: timeout=99/);
  t.match(head, /proxy-authenticate: basic/, 'end-to-end fields stay');
  t.match(head, /set-cookie: a=1\r\nset-cookie: b=2/);
  t.match(head, /connection: close/, 'the client asked for close and gets it');
});

t.test('a body with a transfer coding other than chunked is refused with 501 and the connection closed', async (t) => {
  const { status, text, backend } = await through(t, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
  t.equal(status, 501);
  t.match(text.toLowerCase(), /connection: close/);
  t.equal(backend.connections(), 0, 'the server saw nothing');
});

t.test('concurrent requests each reach the server with their own path and headers', async (t) => {
  const backend = await echoBackend();
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const results = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const response = await fetch(`${harness.url}/item/${i}/./x/..?n=${i}`, { headers: { 'x-request': String(i) } });
      return { i, echo: (await response.json()) as Echo };
    }),
  );
  for (const { i, echo } of results) {
    if (echo.url !== `/item/${i}/?n=${i}` || echo.headers['x-request'] !== String(i)) t.fail(`request ${i} crossed: ${echo.url}`);
  }
  t.pass('no request crossed another');
  t.ok(backend.connections() <= 200, 'connections were pooled');
});
