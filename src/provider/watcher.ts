import type { DynamicConfig } from '../config/dynamic-schema.js';
import { validateDynamic, type ElementError } from '../config/validate-dynamic.js';
import type { Logger } from '../log.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import { checkSnapshot, type CheckedSnapshot, type ValidateDynamic } from './boundary.js';
import { deepFreeze, frozenCopy } from './deep-freeze.js';
import { sameValue } from './same-value.js';
import { mergeProviderConfigs } from './merge.js';
import type { Provider, ProviderState } from './provider.js';
import { DEFAULT_RESTART_BACKOFF, runProvider, type RestartBackoff } from './provider-runner.js';
import { createLatestWinsThrottle, type LatestWinsThrottle } from './throttle.js';

/** One merged configuration handed to the gateway: every name is `name@provider`, references as written. */
export interface AppliedConfiguration {
  version: number;
  config: DynamicConfig;
  /** Validation, merge and provider source errors, each message naming the provider and origin. */
  errors: ElementError[];
  /** The providers whose snapshots this configuration contains, sorted. */
  providers: string[];
}

/** Options of createConfigWatcher; `validate` and `restartBackoff` exist for tests. */
export interface ConfigWatcherOptions {
  providers: Provider[];
  middlewares: MiddlewareRegistry;
  /** `providersThrottleDuration` in ms; 0 applies every snapshot at once. */
  throttleMs: number;
  log: Logger;
  onConfiguration: (applied: AppliedConfiguration) => Promise<void> | void;
  validate?: ValidateDynamic;
  restartBackoff?: RestartBackoff;
}

/** The running watcher, as the gateway drives it. */
export interface ConfigWatcher {
  start(): void;
  stop(): Promise<void>;
  /** True once every provider's first snapshot (even an empty one) is part of an applied configuration. */
  ready(): boolean;
  providerStates(): Record<string, ProviderState>;
}

interface Slot {
  provider: Provider;
  throttle: LatestWinsThrottle<unknown>;
  received?: unknown;
  forwarded?: unknown;
  checked?: CheckedSnapshot;
  applied: boolean;
  failure?: string;
}

/**
 * Creates the configuration watcher: per provider it validates snapshots at the boundary, drops
 * duplicates, throttles bursts (latest wins) and keeps the last valid snapshot; it merges them and
 * calls onConfiguration, one call at a time, whenever the merged result changes. Unlike Traefik an
 * empty snapshot is applied (#8092).
 */
export function createConfigWatcher(options: ConfigWatcherOptions): ConfigWatcher {
  const { log, middlewares } = options;
  const validate = options.validate ?? validateDynamic;
  const controller = new AbortController();
  const slots = new Map<string, Slot>();
  const runs: Array<Promise<void>> = [];
  let started = false;
  let last: Omit<AppliedConfiguration, 'version'> | undefined;
  let version = 0;
  let appliedOnce = false;
  let dirty = false;
  let applying: Promise<void> | undefined;

  for (const provider of options.providers) {
    if (slots.has(provider.name)) throw new Error(`two providers are named "${provider.name}"`);
    const slot: Slot = { provider, applied: false, throttle: createLatestWinsThrottle(options.throttleMs, (raw) => forward(slot, raw)) };
    slots.set(provider.name, slot);
  }

  function receive(slot: Slot, value: unknown): void {
    slot.failure = undefined;
    let raw: unknown;
    try {
      // A private, frozen copy: a provider mutating its object later must not change what was compared or
      // applied, and being frozen it is shared downstream (merge, compile, API) without further copies.
      // The copy is also the comparison: an unchanged part comes back as the previous snapshot's object, without
      // building anything, so a repeated snapshot (the common case for polling providers) is the previous one.
      raw = frozenCopy(value, slot.received);
    } catch (error) {
      return reject(slot, `snapshot cannot be copied: ${(error as Error).message}`);
    }
    if (raw === slot.received) return;
    slot.received = raw;
    slot.throttle.push(raw);
  }

  function forward(slot: Slot, raw: unknown): void {
    if (controller.signal.aborted) return;
    // Only the very object: a snapshot equal to the forwarded one after a burst (A, B, A again) is checked again,
    // and applyOnce finds the merge unchanged. A deep compare here cost a 10,000-router reload ~1.5 ms (issue 8).
    if (raw === slot.forwarded) return;
    try {
      slot.checked = checkSnapshot(slot.provider.name, raw, middlewares, validate);
    } catch (error) {
      // The last valid snapshot stays in force.
      return reject(slot, (error as Error).message);
    }
    slot.forwarded = raw;
    scheduleApply();
  }

  function reject(slot: Slot, message: string): void {
    slot.failure = message;
    log.error({ provider: slot.provider.name }, `provider "${slot.provider.name}": snapshot rejected: ${message}`);
  }

  function scheduleApply(): void {
    dirty = true;
    if (!applying) applying = applyLoop();
  }

  // Serialises onConfiguration: a change arriving during a call is applied after it, merged with any others.
  async function applyLoop(): Promise<void> {
    try {
      while (dirty && !controller.signal.aborted) {
        dirty = false;
        await applyOnce();
      }
    } catch (error) {
      // Only a bug in merging gets here; the previous configuration stays and the next change retries.
      log.error({ err: error }, 'merging the provider snapshots failed');
    } finally {
      applying = undefined;
    }
  }

  async function applyOnce(): Promise<void> {
    const included = [...slots.values()].filter((slot) => slot.checked);
    const merged = mergeProviderConfigs(new Map(included.map((slot) => [slot.provider.name, slot.checked!.config])));
    const next = {
      config: merged.config,
      errors: [...included.flatMap((slot) => slot.checked!.errors), ...merged.errors],
      providers: included.map((slot) => slot.provider.name).sort(),
    };
    if (!last || !sameValue(next, last)) {
      version += 1;
      try {
        // Frozen rather than copied (issue 8): nothing the caller does can leak into the next comparison.
        await options.onConfiguration(deepFreeze({ version, ...next }));
      } catch (error) {
        // The caller keeps its previous table; the next change retries with a fresh merge.
        log.error({ err: error, version }, 'applying the dynamic configuration failed');
        return;
      }
      last = next;
      log.debug({ version, providers: next.providers, errors: next.errors.length }, 'dynamic configuration applied');
    }
    appliedOnce = true;
    for (const slot of included) slot.applied = true;
  }

  return {
    start() {
      if (started) return;
      started = true;
      if (slots.size === 0) scheduleApply();
      for (const slot of slots.values()) {
        const run = runProvider({
          provider: slot.provider,
          signal: controller.signal,
          log,
          backoff: options.restartBackoff ?? DEFAULT_RESTART_BACKOFF,
          onSnapshot: (value) => receive(slot, value),
          onFailure: (message) => (slot.failure = message),
        });
        runs.push(run);
      }
    },
    async stop() {
      controller.abort();
      for (const slot of slots.values()) slot.throttle.cancel();
      await Promise.all(runs);
      await applying;
    },
    ready: () => appliedOnce && [...slots.values()].every((slot) => slot.applied),
    providerStates() {
      const states: Record<string, ProviderState> = {};
      for (const [name, slot] of slots) {
        const own = slot.provider.state();
        states[name] = slot.failure === undefined ? own : { ...own, connected: false, lastError: slot.failure };
      }
      return states;
    },
  };
}
