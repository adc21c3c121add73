import type { Handler } from '../http/context.js';
import type { MiddlewareConfig } from '../config/dynamic-schema.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import type { StateStore } from './state-store.js';
import type { Logger } from '../log.js';
import type { Service } from '../services/service.js';
import { addError, addUser, type MiddlewareStatus } from './status.js';
import { providerOf, resolveRef } from './names.js';

/** What building middleware chains needs from the compile in progress. */
export interface MiddlewareBuildDeps {
  configs: Record<string, MiddlewareConfig>;
  statuses: Record<string, MiddlewareStatus>;
  registry: MiddlewareRegistry;
  state: StateStore;
  log: Logger;
  /** One child logger per middleware for the whole compile, not one per router using it (10,000 routers, issue 8). */
  loggers: Map<string, Logger>;
  /** Set once the service builder exists (services and middlewares refer to each other). */
  service?: (name: string, usedBy: string) => Service;
}

/** Builds `names` (resolved in `provider`) in front of `next`; throws with the first failing middleware's reason. */
export function buildChain(deps: MiddlewareBuildDeps, names: readonly string[], provider: string, next: Handler, usedBy: string, stack: string[] = []): Handler {
  // Most routers have no middlewares: no copies to make.
  if (names.length === 0) return next;
  let handler = next;
  for (const ref of [...names].reverse()) {
    handler = buildOne(deps, resolveRef(ref, provider), handler, usedBy, stack);
  }
  return handler;
}

function buildOne(deps: MiddlewareBuildDeps, name: string, next: Handler, usedBy: string, stack: string[]): Handler {
  const status = deps.statuses[name];
  if (!status) throw new Error(`middleware "${name}" does not exist`);
  addUser(status, usedBy);
  if (stack.includes(name)) {
    const message = `middleware chain loops: ${[...stack, name].join(' -> ')}`;
    addError(status, message, true);
    throw new Error(message);
  }
  if (status.status === 'disabled') throw new Error(`middleware "${name}" is disabled: ${(status.error ?? []).join('; ')}`);
  const config = deps.configs[name]!;
  const type = Object.keys(config)[0]!;
  const definition = deps.registry.get(type);
  if (!definition) {
    addError(status, `unknown middleware type "${type}"`, true);
    throw new Error(`middleware "${name}" has unknown type "${type}"`);
  }
  const provider = providerOf(name);
  try {
    return definition.create(config[type] as never, next, {
      name,
      provider,
      state: deps.state,
      log: loggerFor(deps, name),
      buildChain: (names, inner) => buildChain(deps, names, provider, inner, usedBy, [...stack, name]),
      service: (ref) => {
        if (!deps.service) throw new Error('services are not available here');
        return deps.service(resolveRef(ref, provider), name);
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith('middleware chain loops')) addError(status, message, true);
    throw new Error(`middleware "${name}": ${message}`);
  }
}

function loggerFor(deps: MiddlewareBuildDeps, name: string): Logger {
  let log = deps.loggers.get(name);
  if (!log) deps.loggers.set(name, (log = deps.log.child({ middleware: name })));
  return log;
}
