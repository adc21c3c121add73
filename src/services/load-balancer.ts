import type { IncomingMessage } from 'node:http';
import type { LoadBalancerConfig } from '../config/dynamic-schema.js';
import { parseDuration } from '../duration.js';
import { getContext } from '../http/context.js';
import type { ForwardOptions, ForwardTarget } from '../proxy/forwarder.js';
import { configHash } from '../runtime/state-store.js';
import type { ServiceBuildContext } from './build.js';
import { createHealthChecker, resolveHealthCheck, type HealthChecker, type ServerHealth } from './health-check.js';
import { createHealthSignal } from './health-signal.js';
import { createPassiveHealth, resolvePassiveHealthCheck, type PassiveHealth } from './passive-health.js';
import { CLOSED, type Service } from './service.js';
import { createHashKey, type HashKey } from './hash-key.js';
import { createBalancer, resolveStrategy, untracked } from './strategy.js';
import { pickSticky, resolveStickyCookie, StickyItems } from './sticky.js';
import { respondUnavailable } from './unavailable.js';
import { parseServerUrl } from '../config/server-url.js';
import type { Transport } from '../proxy/transport.js';

interface Server {
  url: string;
  target: ForwardTarget;
  weight: number;
  fenced: boolean;
}

const DEFAULT_FLUSH_INTERVAL = 100;

/** Builds a `loadBalancer` service: its strategy (smooth WRR by default) over its servers, optional sticky cookie, active and passive health checks. */
export function createLoadBalancer(config: LoadBalancerConfig, ctx: ServiceBuildContext): Service {
  const strategy = resolveStrategy(config.strategy, 'loadBalancer.strategy');
  if (config.hash && strategy !== 'hrw') throw new Error(`loadBalancer.hash applies to the hrw strategy only, not ${strategy}`);
  // Only hrw reads the key (and a hash block under another strategy was refused above).
  const hashKey = strategy === 'hrw' ? createHashKey(config.hash, 'loadBalancer.hash') : noKey;
  // Validate everything before touching the StateStore, so a rejected config leaves nothing behind.
  if (config.healthCheck) resolveHealthCheck(config.healthCheck);
  if (config.passiveHealthCheck) resolvePassiveHealthCheck(config.passiveHealthCheck);
  const servers: Server[] = (config.servers ?? []).map((server, i) => {
    const parsed = parseServerUrl(server.url);
    if (!parsed) throw new Error(`loadBalancer.servers[${i}].url "${server.url}" is not a valid URL`);
    return { url: server.url, target: server.preservePath ? parsed.preservedTarget : parsed.target, weight: server.weight ?? 1, fenced: server.fenced === true };
  });
  const options = forwardOptions(
    ctx.transport(config.serversTransport),
    config.passHostHeader ?? true,
    config.responseForwarding?.flushInterval === undefined ? DEFAULT_FLUSH_INTERVAL : parseDuration(config.responseForwarding.flushInterval),
  );
  const balancer = createBalancer({
    strategy,
    // Only hrw hashes the server ids.
    ids: strategy === 'hrw' ? servers.map((s) => s.url) : NO_IDS,
    // One server of weight 1, the usual service, shares one list (read-only for the strategies).
    weights: servers.length === 1 && servers[0]!.weight === 1 ? ONE_WEIGHT : servers.map((s) => s.weight),
    state: ctx.state,
    stateKey: `${ctx.name}:${configHash(config.servers ?? [])}`,
    hashKey,
  });
  const checker = config.healthCheck ? healthChecker(config, servers, options, ctx) : undefined;
  const passive = config.passiveHealthCheck ? passiveHealth(config, servers, ctx) : undefined;
  const checked = checker !== undefined || passive !== undefined;
  // A server takes traffic only when neither the probes nor real traffic say it is DOWN.
  const status = checked ? (url: string): ServerHealth => (checker?.status(url) === 'DOWN' || passive?.status(url) === 'DOWN' ? 'DOWN' : 'UP') : alwaysUp;
  // Which servers take traffic, read from the checkers once per change of health rather than per server per
  // request (two map lookups each: 5–10 µs a request at 1,000 servers, issue 8); every UP/DOWN transition is
  // announced through onChange, which drops it.
  let upNow: Uint8Array | undefined;
  const readUp = (): Uint8Array => {
    const flags = new Uint8Array(servers.length);
    for (let i = 0; i < servers.length; i++) flags[i] = servers[i]!.weight > 0 && status(servers[i]!.url) === 'UP' ? 1 : 0;
    return flags;
  };
  const up = checked ? (i: number): boolean => (upNow ??= readUp())[i] === 1 : (i: number): boolean => servers[i]!.weight > 0;
  // The servers that take new requests, a flag each, listed once per change of health: the members the balancer
  // picks among (wrr walks their listed sequence). A fenced server (a draining pod) keeps the sticky sessions it
  // has but is never chosen for a new one.
  let pickableNow: Uint8Array | undefined;
  const readPickable = (): Uint8Array => {
    const flags = new Uint8Array(servers.length);
    for (let i = 0; i < servers.length; i++) flags[i] = up(i) && !servers[i]!.fenced ? 1 : 0;
    return flags;
  };
  const members = (): Uint8Array => (pickableNow ??= readPickable());
  const pickable = (i: number): boolean => members()[i] === 1;
  // Hashing every server URL is only worth it for a sticky service (a compile of 10,000 services paid for it).
  const sticky = config.sticky?.cookie ? { cookie: resolveStickyCookie(config.sticky.cookie, ctx.name), items: new StickyItems(servers.map((s) => s.url)) } : undefined;
  const { forwarder } = ctx;

  const balance = (req: IncomingMessage, tried: Set<string> | undefined): number => {
    // A retrying middleware marks servers that failed; prefer another one while any is left.
    if (tried?.size) {
      const fresh = balancer.pick(req, (i) => pickable(i) && !tried.has(servers[i]!.url), members());
      if (fresh !== -1) return fresh;
    }
    return balancer.pick(req, pickable, members());
  };

  // Not async, and no closure unless a strategy times the exchange or passive checks read its outcome:
  // with wrr and no checks a request costs this function no allocation of its own (issue 8).
  const handle: Service['handle'] = (req, res) => {
    const rctx = getContext(req);
    const index = sticky ? pickSticky(req, res, sticky.cookie, sticky.items, up, () => balance(req, rctx.triedServers)) : balance(req, rctx.triedServers);
    if (index === -1) return respondUnavailable(req, res);
    const server = servers[index]!;
    rctx.serverUrl = server.url;
    const outcome =
      balancer.track === untracked ? forwarder.forward(req, res, server.target, options) : balancer.track(index, res, () => forwarder.forward(req, res, server.target, options));
    if (passive) return outcome.then((result) => passive.record(server.url, result));
    return outcome as Promise<unknown> as Promise<void>;
  };
  if (!checked) {
    // Nothing can change its health: no signal, listeners or closures to keep per service (issue 8: 10,000 of them).
    const always = servers.some((s) => s.weight > 0 && !s.fenced) ? yes : no;
    return { healthChecked: false, handle, healthy: always, onHealthChange: neverChanges, serverStatus: unchecked, close: detached };
  }
  const healthy = (): boolean => servers.some((_, i) => pickable(i));
  const signal = createHealthSignal(healthy);
  const changed = (): void => {
    upNow = pickableNow = undefined; // first: the signal's listeners read health again
    signal.update();
  };
  const unsubscribe = checker?.onChange(changed);
  const unsubscribePassive = passive?.onChange(changed);
  return {
    healthChecked: true,
    handle,
    healthy,
    onHealthChange: (listener) => signal.subscribe(listener),
    serverStatus: () => Object.fromEntries(servers.map((s) => [s.url, status(s.url)])) as Record<string, ServerHealth>,
    async close() {
      // The checker belongs to the StateStore (it may serve the next table too); only detach from it.
      unsubscribe?.();
      unsubscribePassive?.();
    },
  };
}

const ONE_WEIGHT: readonly number[] = Object.freeze([1]);

// Forwarding settings are read-only for the forwarder, so services with the same transport and settings share
// one object instead of one each (issue 8: 10,000 services on the default transport).
const sharedOptions = new WeakMap<Transport, Map<string, ForwardOptions>>();

function forwardOptions(transport: Transport, passHostHeader: boolean, flushInterval: number): ForwardOptions {
  let byTransport = sharedOptions.get(transport);
  if (!byTransport) sharedOptions.set(transport, (byTransport = new Map()));
  const key = `${passHostHeader}:${flushInterval}`;
  let options = byTransport.get(key);
  if (!options) byTransport.set(key, (options = Object.freeze({ passHostHeader, transport, flushInterval })));
  return options;
}

const NO_IDS: readonly string[] = [];
const noKey: HashKey = () => undefined;
const yes = (): boolean => true;
const alwaysUp = (): ServerHealth => 'UP';
const no = (): boolean => false;
const unsubscribed = (): void => undefined;
const neverChanges = (): (() => void) => unsubscribed;
const unchecked = (): Record<string, ServerHealth> => ({});
const detached = (): Promise<void> => CLOSED;

function healthChecker(config: LoadBalancerConfig, servers: Server[], options: ForwardOptions, ctx: ServiceBuildContext): HealthChecker {
  const healthCheck = config.healthCheck!;
  const urls = [...new Set(servers.map((s) => s.url))];
  const tls = options.transport.httpsAgent.options;
  // The transport's TLS verification is part of the key, so changing it under the same name gets a new checker.
  const transport = { name: config.serversTransport ?? null, verify: tls.rejectUnauthorized ?? true, servername: tls.servername ?? null };
  const key = `health:${ctx.name}:${configHash({ servers: config.servers ?? [], healthCheck, transport })}`;
  // Remembered per service name, so a changed config starts known-DOWN servers as DOWN, not UP.
  const memory = ctx.state.get(`health-memory:${ctx.name}`, () => new Map<string, ServerHealth>());
  return ctx.state.get(key, () =>
    createHealthChecker({ serviceName: ctx.name, servers: urls, config: healthCheck, transport: options.transport, log: ctx.log, memory }),
  );
}

function passiveHealth(config: LoadBalancerConfig, servers: Server[], ctx: ServiceBuildContext): PassiveHealth {
  const passiveHealthCheck = config.passiveHealthCheck!;
  const urls = [...new Set(servers.map((s) => s.url))];
  // Keyed like the active checker, so an unchanged service keeps its failure counts and ejections across reloads.
  const key = `passive-health:${ctx.name}:${configHash({ servers: config.servers ?? [], passiveHealthCheck })}`;
  return ctx.state.get(key, () => createPassiveHealth({ serviceName: ctx.name, servers: urls, config: passiveHealthCheck, log: ctx.log }));
}
