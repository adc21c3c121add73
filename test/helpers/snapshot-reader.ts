import type { Test } from 'tap';
import type { Provider, ProviderSnapshot } from '../../src/provider/provider.js';

/**
 * Watches a provider for the length of a test: `until` reads snapshots until one passes, with a deadline
 * (a save can show up as more than one snapshot); `ended` says whether the watch has finished. The watch
 * is aborted and its generator returned at teardown, so what it opened (a file watcher, a parsing thread)
 * is closed.
 */
export function readSnapshots(t: Test, provider: Provider, deadlineMs = 5000) {
  const controller = new AbortController();
  const iterator = provider.watch(controller.signal)[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<ProviderSnapshot>> | undefined;
  let last: ProviderSnapshot | undefined;
  const until = async (what: string, test: (s: ProviderSnapshot) => boolean): Promise<ProviderSnapshot> => {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      pending ??= iterator.next().finally(() => (pending = undefined));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadline - Date.now())));
      const step = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (step === 'timeout' || step.done) break;
      last = step.value;
      if (test(last)) return last;
    }
    throw new Error(`no snapshot where ${what} within ${deadlineMs} ms; last: ${JSON.stringify(last)}`);
  };
  t.teardown(async () => {
    controller.abort();
    await pending;
    await iterator.return?.(undefined);
  });
  return { until, controller, ended: async () => (await (pending ?? iterator.next())).done };
}
