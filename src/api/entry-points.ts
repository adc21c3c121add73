import type { EntryPointConfig, StaticConfig } from '../config/static-types.js';

/** An entry point as the API shows it: its static configuration with defaults, plus its name. */
export type EntryPointRepresentation = Record<string, unknown> & { name: string; address: string };

/** Every entry point (the internal one included, as Traefik lists `traefik`), sorted by name. */
export function representEntryPoints(config: StaticConfig): EntryPointRepresentation[] {
  return Object.values(config.entryPoints)
    .map((ep) => representEntryPoint(ep, config))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * One entry point: the defaulted configuration with durations written back as Go durations,
 * overlaid with what the user wrote (so their spelling of durations is kept).
 */
export function representEntryPoint(ep: EntryPointConfig, config: StaticConfig): EntryPointRepresentation {
  const t = ep.transport;
  const defaulted: Record<string, unknown> = {
    address: ep.address,
    ...(ep.asDefault ? { asDefault: true } : {}),
    transport: {
      lifeCycle: { requestAcceptGraceTimeout: duration(t.lifeCycle.requestAcceptGraceTimeout), graceTimeOut: duration(t.lifeCycle.graceTimeOut) },
      respondingTimeouts: {
        readTimeout: duration(t.respondingTimeouts.readTimeout),
        writeTimeout: duration(t.respondingTimeouts.writeTimeout),
        idleTimeout: duration(t.respondingTimeouts.idleTimeout),
      },
      keepAliveMaxRequests: t.keepAliveMaxRequests,
      keepAliveMaxTime: duration(t.keepAliveMaxTime),
    },
    forwardedHeaders: { ...(ep.forwardedHeaders.insecure ? { insecure: true } : {}), ...nonEmpty('trustedIPs', ep.forwardedHeaders.trustedIPs) },
    http: { ...(ep.http.redirections ? { redirections: ep.http.redirections } : {}), ...nonEmpty('middlewares', ep.http.middlewares), ...(ep.http.tls ? { tls: ep.http.tls } : {}) },
  };
  const written = (config.input.entryPoints?.[ep.name] ?? {}) as Record<string, unknown>;
  return { ...(overlay(defaulted, written) as Record<string, unknown>), address: ep.address, name: ep.name };
}

function nonEmpty(key: string, list: string[]): Record<string, string[]> {
  return list.length ? { [key]: [...list] } : {};
}

/** Milliseconds as a Go duration string (`0s`, `1m30s`, `250ms`). */
export function duration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  let seconds = ms / 1000;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${seconds}s`;
}

function overlay(base: unknown, top: unknown): unknown {
  if (!isPlain(base) || !isPlain(top)) return top === undefined ? base : top;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) out[key] = overlay(base[key], value);
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
