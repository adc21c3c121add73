import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createSpanExporter } from '../../../src/observability/tracing/exporter.js';
import type { OtlpSpan } from '../../../src/observability/tracing/otlp-span.js';

const span = (i: number): OtlpSpan => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: String(i).padStart(16, '0'),
  name: 'GET',
  kind: 2,
  startTimeUnixNano: '1',
  endTimeUnixNano: '2',
  attributes: [],
  status: { code: 0 },
});

function capturingLog() {
  const lines: Array<{ msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  return { log, lines };
}

t.test('spans are sent in batches no larger than maxBatchSize', async (t) => {
  const batches: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      batches.push((JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> }).resourceSpans[0]!.scopeSpans[0]!.spans.length);
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const { log } = capturingLog();
  const exporter = createSpanExporter({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, headers: {}, resource: {}, log, maxBatchSize: 3, scheduleDelayMs: 60_000 });
  for (let i = 0; i < 7; i++) exporter.add(span(i));
  await exporter.close();
  t.same(batches.sort(), [1, 3, 3]);
});

t.test('an unreachable collector costs spans and one warning, never an exception', async (t) => {
  const { log, lines } = capturingLog();
  const exporter = createSpanExporter({ endpoint: 'http://127.0.0.1:9/v1/traces', headers: {}, resource: {}, log, maxQueueSize: 2, scheduleDelayMs: 60_000 });
  for (let i = 0; i < 4; i++) exporter.add(span(i));
  await exporter.flush();
  exporter.add(span(5));
  await exporter.flush();
  const messages = lines.map((l) => l.msg);
  t.equal(messages.filter((m) => m.includes('could not export')).length, 1, 'one warning per outage');
  t.equal(messages.filter((m) => m.includes('queue full')).length, 1, 'one warning when the queue overflows');
});
