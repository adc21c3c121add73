import { Worker } from 'node:worker_threads';
import t from 'tap';
import type { ParseAnswer, ParseRequest } from '../../../providers/file/parse-thread-loop.js';

// The real parsing thread, started as parse-off-thread.ts starts it: after a burst of parses of a big file
// it gives the heap pages those parses freed back to the system a second later (V8 alone kept them for
// as long as this test waited: 54 MB committed before and after).
const ENTRY = new URL('../../../providers/file/parse-thread.js', import.meta.url);
const MB = 1048576;

const bigFile = (generation: number): string => {
  const routers = Array.from({ length: 5000 }, (_, i) => `    r${i}: { rule: "Host(\`h${i}.test\`)", service: app, middlewares: [a, b] }`);
  return `http:\n  routers:\n${routers.join('\n')}\n# generation ${generation}\n`;
};

t.test('the parsing thread gives freed heap pages back a second after its last parse', async (t) => {
  const thread = new Worker(ENTRY, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  t.teardown(() => thread.terminate());
  const answers: ParseAnswer[] = [];
  const next = (): Promise<ParseAnswer> => new Promise((resolve) => thread.once('message', resolve));
  t.same(await next(), { ready: true }, 'the thread is ready');
  for (const id of [1, 2, 3]) {
    const answered = next();
    thread.postMessage({ id, name: 'big.yaml', text: bigFile(id), ...(id > 1 && { base: id - 1 }) } satisfies ParseRequest);
    answers.push(await answered);
  }
  t.same(
    answers.map((a) => 'id' in a && a.id),
    [1, 2, 3],
    'every parse answered',
  );
  const after = (await thread.getHeapStatistics()).total_heap_size;
  t.ok(after > 30 * MB, `the parses left ${Math.round(after / MB)} MB of heap committed`);
  let now = after;
  for (const deadline = Date.now() + 10_000; now > after - 20 * MB && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    now = (await thread.getHeapStatistics()).total_heap_size;
  }
  t.ok(now <= after - 20 * MB, `committed heap ${Math.round(after / MB)} → ${Math.round(now / MB)} MB`);
});
