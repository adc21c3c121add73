import t, { type Test } from 'tap';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import { silentLogger } from '../../../src/log.js';
import { MiddlewareRegistry } from '../../../src/middleware/registry.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../../src/provider/provider.js';
import { createConfigWatcher, type AppliedConfiguration, type ConfigWatcherOptions } from '../../../src/provider/watcher.js';

// A provider fed by the test: queued snapshots, failures and endings are played in order by watch().
class PushProvider implements Provider {
  readonly name: string;
  readonly watchStarts: number[] = [];
  stopped = false;
  #queue: Array<{ value?: unknown; error?: Error; end?: true }> = [];
  #wake: (() => void) | undefined;
  #state: ProviderState = { connected: false };

  finite?: boolean;

  constructor(name = 'fake', finite?: boolean) {
    this.name = name;
    if (finite) this.finite = true;
  }

  push(config: DynamicConfig, extra: Partial<ProviderSnapshot> = {}): void {
    this.pushRaw({ config, errors: [], ...extra });
  }

  pushRaw(value: unknown): void {
    this.#enqueue({ value });
  }

  fail(message: string): void {
    this.#enqueue({ error: new Error(message) });
  }

  end(): void {
    this.#enqueue({ end: true });
  }

  state(): ProviderState {
    return { ...this.#state };
  }

  async *watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
    this.watchStarts.push(Date.now());
    try {
      while (!signal.aborted) {
        const item = this.#queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
          continue;
        }
        if (item.error) throw item.error;
        if (item.end) return;
        this.#state = { connected: true, lastSnapshotAt: new Date().toISOString() };
        yield item.value as ProviderSnapshot;
      }
    } finally {
      this.stopped = true;
    }
  }

  #enqueue(item: { value?: unknown; error?: Error; end?: true }): void {
    this.#queue.push(item);
    this.#wake?.();
    this.#wake = undefined;
  }
}

// Polls a condition until it holds; a deadline, never a sleep standing in for an assertion.
async function eventually(what: string, condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const routerFor = (host: string) => ({ rule: `Host(\`${host}\`)`, service: 'svc' });
const withRouters = (routers: Record<string, { rule: string; service: string }>): DynamicConfig => ({ http: { routers } });
const hostsOf = (applied: AppliedConfiguration | undefined) => Object.values(applied?.config.http?.routers ?? {}).map((r) => r.rule);

// Starts a watcher over the given providers, recording every onConfiguration call.
function startWatcher(t: Test, providers: Provider[], options: Partial<ConfigWatcherOptions> = {}) {
  const applied: AppliedConfiguration[] = [];
  const watcher = createConfigWatcher({
    providers,
    middlewares: new MiddlewareRegistry(),
    throttleMs: 0,
    log: silentLogger,
    onConfiguration: (configuration) => void applied.push(configuration),
    ...options,
  });
  watcher.start();
  t.teardown(() => watcher.stop());
  const latest = () => applied.at(-1);
  const until = (what: string, test: (a: AppliedConfiguration) => boolean) => eventually(what, () => applied.some(test));
  return { watcher, applied, latest, until };
}

t.test('with throttle 0 every change is applied, with increasing versions', async (t) => {
  const p = new PushProvider();
  const { applied, until } = startWatcher(t, [p]);
  for (const host of ['a.test', 'b.test', 'c.test']) {
    p.push(withRouters({ web: routerFor(host) }));
    await until(`${host} is applied`, (a) => hostsOf(a).includes(`Host(\`${host}\`)`));
  }
  t.same(applied.map((a) => a.version), [1, 2, 3]);
  t.same(Object.keys(applied[2]!.config.http!.routers!), ['web@fake']);
  t.same(applied[2]!.providers, ['fake']);
});

t.test('with a 200 ms throttle, 10 quick snapshots produce far fewer applies and the last one wins', async (t) => {
  const p = new PushProvider();
  const { applied, latest, until } = startWatcher(t, [p], { throttleMs: 200 });
  for (let i = 0; i < 10; i++) p.push(withRouters({ web: routerFor(`h${i}.test`) }));
  await until('the last snapshot is applied', (a) => hostsOf(a)[0] === 'Host(`h9.test`)');
  t.ok(applied.length <= 3, `${applied.length} applies`);
  t.same(hostsOf(latest()), ['Host(`h9.test`)']);
});

t.test('a snapshot deep-equal to the previous one is dropped', async (t) => {
  const p = new PushProvider();
  const { applied, until } = startWatcher(t, [p]);
  p.push(withRouters({ web: routerFor('a.test') }));
  p.push(withRouters({ web: routerFor('a.test') }));
  // The same keys in another order are the same configuration too.
  p.push(withRouters({ web: { service: 'svc', rule: 'Host(`a.test`)' } }));
  p.push(withRouters({ web: routerFor('b.test') }));
  await until('b.test is applied', (a) => hostsOf(a)[0] === 'Host(`b.test`)');
  t.same(applied.map(hostsOf), [['Host(`a.test`)'], ['Host(`b.test`)']]);
});

t.test('an empty snapshot is authoritative: it removes the provider routes (#8092)', async (t) => {
  const p = new PushProvider();
  const { latest, until } = startWatcher(t, [p]);
  p.push(withRouters({ web: routerFor('a.test') }));
  await until('the router is applied', (a) => hostsOf(a).length === 1);
  p.push({});
  await until('the routes are gone', (a) => a.version === 2);
  t.same(latest()!.config.http!.routers, {});
  t.same(latest()!.providers, ['fake']);
});

t.test('invalid elements are reported, naming provider and origin, while valid ones apply', async (t) => {
  const p = new PushProvider();
  const { latest, until } = startWatcher(t, [p]);
  p.push(
    { http: { routers: { good: routerFor('a.test'), bad: { entryPoints: ['web'] } as never } } },
    { errors: ['broken.yaml: line 2, column 3: bad indentation'], origins: { 'router:good': 'a.yaml', 'router:bad': 'dyn/bad.yaml' } },
  );
  await until('a configuration is applied', () => true);
  const applied = latest()!;
  t.same(Object.keys(applied.config.http!.routers!), ['good@fake']);
  const bad = applied.errors.filter((e) => e.kind === 'router');
  t.ok(bad.length >= 1, 'the invalid router is reported');
  for (const error of bad) {
    t.match(error.name, /^bad(@fake)?$/);
    t.match(error.message, /fake/);
    t.match(error.message, /dyn\/bad\.yaml/);
  }
  t.match(applied.errors, [{ kind: 'config', message: 'provider "fake": broken.yaml: line 2, column 3: bad indentation' }]);
});

t.test('a provider that throws restarts with growing backoff and its last good configuration stays', async (t) => {
  const p = new PushProvider();
  const { applied, latest, until, watcher } = startWatcher(t, [p], { restartBackoff: { initialMs: 20, maxMs: 60 } });
  p.push(withRouters({ web: routerFor('a.test') }));
  await until('a.test is applied', () => true);
  for (const message of ['boom 1', 'boom 2', 'boom 3', 'boom 4']) p.fail(message);
  await eventually('the provider has restarted four times', () => p.watchStarts.length === 5);
  const gaps = p.watchStarts.slice(1).map((at, i) => at - p.watchStarts[i]!);
  [20, 40, 60, 60].forEach((minimum, i) => t.ok(gaps[i]! >= minimum - 2, `restart ${i + 1} waited ${gaps[i]} ms (≥ ${minimum})`));
  t.equal(applied.length, 1, 'nothing was re-applied while the provider failed');
  t.same(hostsOf(latest()), ['Host(`a.test`)']);
  t.match(watcher.providerStates().fake, { connected: false, lastError: /^boom/ });
  p.push(withRouters({ web: routerFor('b.test') }));
  await until('b.test is applied after the restart', (a) => hostsOf(a)[0] === 'Host(`b.test`)');
  t.equal(watcher.providerStates().fake!.lastError, undefined, 'the error clears with the next snapshot');
});

t.test('a provider whose watch ends unexpectedly shows it in its state and keeps its configuration', async (t) => {
  const p = new PushProvider();
  const { applied, watcher, until } = startWatcher(t, [p], { restartBackoff: { initialMs: 10_000, maxMs: 10_000 } });
  p.push(withRouters({ web: routerFor('a.test') }));
  await until('a.test is applied', () => true);
  p.end();
  await eventually('the state shows the ending', () => watcher.providerStates().fake?.lastError === 'watch ended unexpectedly');
  t.equal(applied.length, 1);
  t.equal(watcher.ready(), true);
});

t.test('a finite provider (like file with watch: false) that ends after its snapshot is not restarted', async (t) => {
  const finite = new PushProvider('finite', true);
  const endless = new PushProvider('endless');
  const { watcher, until } = startWatcher(t, [finite, endless], { restartBackoff: { initialMs: 1, maxMs: 1 } });
  finite.push(withRouters({ a: routerFor('a.test') }));
  finite.end();
  endless.push({});
  for (let i = 0; i < 3; i++) endless.end();
  await until('both are applied', (a) => a.providers.length === 2);
  // The same backoff restarts the endless provider three times, so by then a finite one would have restarted too.
  await eventually('the endless provider restarted', () => endless.watchStarts.length === 4);
  t.equal(finite.watchStarts.length, 1);
  t.equal(watcher.providerStates().finite!.lastError, undefined);
  t.equal(watcher.ready(), true);
});

t.test('ready() waits until every provider delivered a first snapshot, even an empty one, and it was applied', async (t) => {
  const a = new PushProvider('a');
  const b = new PushProvider('b');
  const { watcher, until, latest } = startWatcher(t, [a, b]);
  t.equal(watcher.ready(), false);
  a.push(withRouters({ web: routerFor('a.test') }));
  await until('a is applied', () => true);
  t.equal(watcher.ready(), false, 'b has not delivered yet');
  b.push({});
  await until('b is applied', (applied) => applied.providers.includes('b'));
  t.equal(watcher.ready(), true);
  t.same(latest()!.providers, ['a', 'b']);
});

t.test('a watcher without providers applies an empty configuration and is ready', async (t) => {
  const { watcher, until } = startWatcher(t, []);
  await until('the empty configuration is applied', () => true);
  t.equal(watcher.ready(), true);
});

t.test('onConfiguration calls never overlap and the latest configuration is applied last', async (t) => {
  const p = new PushProvider();
  let running = 0;
  let most = 0;
  const seen: string[][] = [];
  const { watcher } = startWatcher(t, [p], {
    onConfiguration: async (applied) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      seen.push(hostsOf(applied));
      running -= 1;
    },
  });
  for (const host of ['a.test', 'b.test', 'c.test', 'd.test']) p.push(withRouters({ web: routerFor(host) }));
  await eventually('d.test is applied', () => seen.at(-1)?.[0] === 'Host(`d.test`)');
  t.equal(most, 1);
  t.ok(watcher.ready());
});

t.test('a throwing onConfiguration is logged, ready stays false, and the next change is applied', async (t) => {
  const p = new PushProvider();
  const versions: number[] = [];
  let fail = true;
  const { watcher } = startWatcher(t, [p], {
    onConfiguration: (applied) => {
      versions.push(applied.version);
      if (fail) throw new Error('compile exploded');
    },
  });
  p.push(withRouters({ web: routerFor('a.test') }));
  await eventually('the first call happened', () => versions.length === 1);
  t.equal(watcher.ready(), false);
  fail = false;
  p.push(withRouters({ web: routerFor('b.test') }));
  await eventually('the second call happened', () => versions.length === 2);
  t.same(versions, [1, 2]);
  t.equal(watcher.ready(), true);
});

t.test('the merged configuration is applied only when it differs from the last applied one', async (t) => {
  const p = new PushProvider();
  // A validator keeping only routers makes two different snapshots validate to the same configuration.
  const validate: ConfigWatcherOptions['validate'] = (input) => ({ config: { http: { routers: (input as DynamicConfig).http?.routers ?? {} } }, errors: [] });
  const { applied, until } = startWatcher(t, [p], { validate });
  p.push({ http: { routers: { web: routerFor('a.test') } }, tcp: { one: 1 } });
  p.push({ http: { routers: { web: routerFor('a.test') } }, tcp: { two: 2 } });
  p.push(withRouters({ web: routerFor('b.test') }));
  await until('b.test is applied', (a) => hostsOf(a)[0] === 'Host(`b.test`)');
  t.same(applied.map((a) => a.version), [1, 2]);
});

const rejected: Array<[string, unknown, RegExp]> = [
  ['a value that is not a snapshot is rejected and the last valid one stays', 42, /not a snapshot/],
  ['a snapshot whose validation throws is rejected and the last valid one stays', { config: { http: {} }, errors: [] }, /validator exploded/],
];
for (const [name, value, pattern] of rejected) {
  t.test(name, async (t) => {
    const p = new PushProvider();
    // Stands in for a validator bug: an empty http section makes it throw.
    const validate: ConfigWatcherOptions['validate'] = (input) => {
      if ((input as DynamicConfig).http && Object.keys((input as DynamicConfig).http!).length === 0) throw new Error('validator exploded');
      return { config: input as DynamicConfig, errors: [] };
    };
    const { watcher, applied, until } = startWatcher(t, [p], { validate });
    p.push(withRouters({ web: routerFor('a.test') }));
    await until('a.test is applied', () => true);
    p.pushRaw(value);
    await eventually('the rejection shows in the state', () => pattern.test(watcher.providerStates().fake?.lastError ?? ''));
    t.equal(applied.length, 1);
    t.same(hostsOf(applied[0]), ['Host(`a.test`)']);
  });
}

t.test('stop() ends every provider watch and later snapshots are not applied', async (t) => {
  const p = new PushProvider();
  const { watcher, applied, until } = startWatcher(t, [p]);
  p.push(withRouters({ web: routerFor('a.test') }));
  await until('a.test is applied', () => true);
  await watcher.stop();
  t.equal(p.stopped, true);
  p.push(withRouters({ web: routerFor('b.test') }));
  t.equal(applied.length, 1);
});

t.test('two providers with the same name are a programming error', async (t) => {
  t.throws(() => createConfigWatcher({ providers: [new PushProvider('x'), new PushProvider('x')], middlewares: new MiddlewareRegistry(), throttleMs: 0, log: silentLogger, onConfiguration: () => {} }), /two providers are named "x"/);
});
