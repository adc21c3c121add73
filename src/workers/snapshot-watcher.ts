import type { AppliedConfiguration, ConfigWatcher } from '../provider/watcher.js';
import type { ProviderState } from '../provider/provider.js';
import type { Logger } from '../log.js';
import type { DynamicConfig } from '../config/dynamic-schema.js';
import { deepFreeze, frozenCopy } from '../provider/deep-freeze.js';

/** A watcher fed by the control process: the worker gets merged, validated configurations and only applies them. */
export interface SnapshotWatcher {
  /** Creates the ConfigWatcher that startGateway's `createWatcher` option asks for. */
  create(onConfiguration: (applied: AppliedConfiguration) => Promise<void>): ConfigWatcher;
  /** Hands a configuration in; the newest pending one wins, applied one at a time. */
  push(applied: AppliedConfiguration): void;
}

/** Creates the worker-side watcher; `onApplied` runs after each configuration is in service (the acknowledgement). */
export function createSnapshotWatcher(log: Logger, onApplied: (version: number) => void): SnapshotWatcher {
  let apply: ((applied: AppliedConfiguration) => Promise<void>) | undefined;
  let pending: AppliedConfiguration | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let stopped = false;
  let applied = 0;
  let lastAt: string | undefined;
  let lastConfig: DynamicConfig | undefined;

  const drain = async (): Promise<void> => {
    while (pending && apply && started && !stopped) {
      const next = pending;
      pending = undefined;
      // An older version arriving late (a re-sent snapshot) must not replace a newer table.
      if (next.version <= applied) continue;
      try {
        // The control process's configuration arrives as a structured clone: new, unfrozen objects. Copied
        // frozen against the last one applied, unchanged elements become the same objects again, so the
        // compile reuses their services as a single process does (issue 8) instead of rebuilding them all.
        const config = frozenCopy(next.config, lastConfig);
        await apply(deepFreeze({ ...next, config }));
        lastConfig = config;
        applied = next.version;
        lastAt = new Date().toISOString();
        onApplied(next.version);
      } catch (error) {
        log.error({ err: error, version: next.version }, 'worker: applying a configuration failed');
      }
    }
  };
  const kick = () => {
    if (!started || stopped) return;
    running ??= drain().finally(() => {
      running = undefined;
      if (pending && started && !stopped) kick();
    });
  };

  return {
    create(onConfiguration) {
      apply = onConfiguration;
      return {
        start() {
          started = true;
          kick();
        },
        async stop() {
          stopped = true;
          await running;
        },
        ready: () => applied > 0,
        providerStates: (): Record<string, ProviderState> => ({ control: { connected: true, ...(lastAt && { lastSnapshotAt: lastAt }) } }),
      };
    },
    push(next) {
      if (!pending || next.version > pending.version) pending = next;
      kick();
    },
  };
}
