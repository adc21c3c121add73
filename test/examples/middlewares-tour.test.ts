import t from 'tap';
import { bootExample } from '../helpers/example.js';

// The traffic-control half of examples/middlewares-tour, booted as written (examples.test.ts covers the rest).
t.test('middlewares-tour limits, injects faults and serves an error page', async (t) => {
  const example = await bootExample('middlewares-tour');
  t.teardown(() => example.close());
  const status = example.gateway.table()!.status;
  for (const name of ['per-client-limit@file', 'error-page@file', 'retry-twice@file', 'whole-request-5s@file', 'always-fail@file']) {
    t.equal(status.middlewares[name]?.status, 'enabled', `${name} is enabled`);
  }

  const limited: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(example.url('/limited'));
    await res.arrayBuffer();
    limited.push(res.status);
    if (res.status === 429) t.ok(Number(res.headers.get('retry-after')) >= 1, 'the refusal says when to retry');
  }
  t.same(limited, [200, 200, 429], 'rateLimit lets the burst of 2 through, then refuses');

  const chaos = await fetch(example.url('/chaos/orders?id=7'));
  t.equal(chaos.status, 503, 'faultInjection fails the request and the client keeps its status');
  const page = (await chaos.json()) as { url: string };
  t.equal(page.url, `/error-page?status=503&url=${encodeURIComponent('/chaos/orders?id=7')}`, 'errors asked the demo servers for the page with {status} and {url}');
});
