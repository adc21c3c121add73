import t from 'tap';
import { formatTraceparent, parseTraceparent, randomId, sampledByRatio } from '../../../src/observability/tracing/trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

t.test('traceparent headers are parsed as the W3C spec says', async (t) => {
  const cases: Array<[string, string | undefined, { sampled: boolean } | undefined]> = [
    ['a sampled parent is read', `00-${TRACE}-${SPAN}-01`, { sampled: true }],
    ['an unsampled parent is read', `00-${TRACE}-${SPAN}-00`, { sampled: false }],
    ['other flag bits are ignored', `00-${TRACE}-${SPAN}-03`, { sampled: true }],
    ['a future version with extra fields is read', `01-${TRACE}-${SPAN}-01-extra`, { sampled: true }],
    ['version 00 with extra fields is invalid', `00-${TRACE}-${SPAN}-01-extra`, undefined],
    ['version ff is invalid', `ff-${TRACE}-${SPAN}-01`, undefined],
    ['an all-zero trace id is invalid', `00-${'0'.repeat(32)}-${SPAN}-01`, undefined],
    ['an all-zero span id is invalid', `00-${TRACE}-${'0'.repeat(16)}-01`, undefined],
    ['upper-case hex is invalid', `00-${TRACE.toUpperCase()}-${SPAN}-01`, undefined],
    ['a short trace id is invalid', `00-${TRACE.slice(2)}-${SPAN}-01`, undefined],
    ['an absent header is nothing', undefined, undefined],
  ];
  for (const [name, header, expected] of cases) {
    const parsed = parseTraceparent(header);
    if (expected === undefined) t.equal(parsed, undefined, name);
    else t.match(parsed, { traceId: TRACE, spanId: SPAN, ...expected }, name);
  }
});

t.test('a trace context is formatted as version 00', async (t) => {
  t.equal(formatTraceparent({ traceId: TRACE, spanId: SPAN, sampled: true }), `00-${TRACE}-${SPAN}-01`);
  t.equal(formatTraceparent({ traceId: TRACE, spanId: SPAN, sampled: false }), `00-${TRACE}-${SPAN}-00`);
});

t.test('random ids have the right length and are never zero', async (t) => {
  t.match(randomId(16), /^[0-9a-f]{32}$/);
  t.match(randomId(8), /^[0-9a-f]{16}$/);
});

t.test('ratio sampling follows the trace id and the rate', async (t) => {
  const low = `${'f'.repeat(16)}0000000000000001`;
  const high = `${'0'.repeat(16)}7fffffffffffffff`;
  const cases: Array<[string, string, number, boolean]> = [
    ['rate 1 samples everything', high, 1, true],
    ['rate 0 samples nothing', low, 0, false],
    ['a low trace id is sampled at rate 0.5', low, 0.5, true],
    ['a high trace id is not sampled at rate 0.5', high, 0.5, false],
  ];
  for (const [name, traceId, rate, sampled] of cases) t.equal(sampledByRatio(traceId, rate), sampled, name);
  let count = 0;
  for (let i = 0; i < 2000; i++) if (sampledByRatio(randomId(16), 0.25)) count++;
  t.ok(count > 350 && count < 650, `about a quarter of random traces are sampled (${count}/2000)`);
});
