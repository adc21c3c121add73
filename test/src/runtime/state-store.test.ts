import t from 'tap';
import { StateStore } from '../../../src/runtime/state-store.js';

// An entry whose dispose waits until the test lets it go, recording that it ran.
function gated(disposed: string[], name: string): { dispose(): Promise<void>; release(): void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    async dispose() {
      disposed.push(name);
      await gate;
    },
  };
}

t.test('releasing a generation disposes only what no live generation uses', async (t) => {
  const store = new StateStore();
  const disposed: string[] = [];
  const first = store.begin();
  store.get('shared', () => ({ dispose: () => void disposed.push('shared') }));
  store.get('old', () => ({ dispose: () => void disposed.push('old') }));
  store.begin();
  store.get('shared', () => t.fail('shared is kept across generations'));
  await store.release(first);
  t.same(disposed, ['old']);
  t.equal(store.size, 1);
});

t.test('an entry claimed again while an earlier one is being disposed is kept', async (t) => {
  const store = new StateStore();
  const disposed: string[] = [];
  const a = gated(disposed, 'a');
  const first = store.begin();
  store.get('a', () => a);
  store.get('b', () => ({ dispose: () => void disposed.push('b') }));
  store.begin();
  const releasing = store.release(first);
  // `a` is being disposed; a compile now claims `b` for the new generation before the release reaches it.
  t.same(disposed, ['a']);
  let created = false;
  store.get('b', () => ((created = true), {}));
  a.release();
  await releasing;
  t.same(disposed, ['a'], 'b was not disposed');
  t.notOk(created, 'b kept its state');
  t.equal(store.size, 1);
});
