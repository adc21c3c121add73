import t from 'tap';
import type { Socket } from 'node:net';
import { rawRequest, startRawBackend, statusOf } from '../../helpers/backends.js';
import { startHarness } from '../../helpers/forward-harness.js';
import { createTransport } from '../../../src/proxy/transport.js';

// Each answer is one of the failure shapes from the security reference (§2.3, §2.13), plus good ones.
const answers: Array<(socket: Socket) => void> = [
  (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
  (s) => s.end('HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n'),
  (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'),
  (s) => s.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
  (s) => s.end('garbage\r\n\r\n'),
  (s) => s.destroy(),
  (s) => s.end('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello'),
  (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'),
  () => undefined,
  (s) => s.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n'),
];

t.test('a crowd of requests against randomly broken servers never hangs a client nor crashes the gateway', async (t) => {
  let n = 0;
  const backend = await startRawBackend((socket) => answers[n++ % answers.length]!(socket));
  const transport = createTransport({ forwardingTimeouts: { responseHeaderTimeout: '300ms' } });
  const harness = await startHarness({ target: backend.url, transport });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
    transport.dispose();
  });
  const total = 200;
  // A generous client deadline: a real hang never ends, a busy 2-core machine only makes answers late.
  const results = await Promise.all(
    Array.from({ length: total }, () => rawRequest(harness.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 8000)),
  );
  const tally: Record<string, number> = {};
  for (const r of results) tally[`${statusOf(r.text)}/${r.ended}`] = (tally[`${statusOf(r.text)}/${r.ended}`] ?? 0) + 1;
  t.comment(`status/ending tally: ${JSON.stringify(tally)}`);
  const hung = results.filter((r) => r.ended === 'timeout' && statusOf(r.text) !== 200);
  t.equal(hung.length, 0, 'every broken exchange ended');
  for (const r of results) {
    const status = statusOf(r.text);
    if (![0, 200, 204, 502, 504].includes(status)) t.fail(`unexpected status ${status}`);
  }
  const good = await rawRequest(harness.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2000);
  t.ok(good.text.length > 0 || good.ended === 'closed', 'the gateway still answers');
});
