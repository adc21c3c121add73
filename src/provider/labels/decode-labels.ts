import type { DynamicConfig } from '../../config/dynamic-schema.js';
import type { MiddlewareRegistry } from '../../middleware/registry.js';
import { decodeKv } from '../kv/index.js';

/** Per-service server hints from `<prefix>.http.services.<s>.loadbalancer.server.{port,scheme,weight}`. */
export interface ServerHint {
  port?: number;
  scheme?: string;
  weight?: number;
}

/** Labels decoded onto the dynamic schema, the server hints, and one message per label that fits nowhere. */
export interface DecodedLabels {
  config: DynamicConfig;
  /** Keyed by the service name as written in the labels. */
  servers: Record<string, ServerHint>;
  /** `<prefix>.enable` when set (true/false), else undefined. */
  enable?: boolean;
  errors: string[];
}

const HINT = /^http\.services\.([^.]+)\.loadbalancer\.server\.(port|scheme|weight)$/i;

/**
 * Decodes Traefik's label syntax (`traefik.http.routers.r.rule`, `….loadbalancer.server.port`, lists as
 * `a,b` or `…[0]`) by mapping each dotted label onto the KV layout and reusing the KV decoder, so labels
 * and KV keys are matched against the schema the same way: segments case-insensitively, strings coerced,
 * comma-separated lists split. `prefix` is the provider's label prefix (`traefik` by default);
 * labels outside it are ignored, and provider-specific ones (`<prefix>.consulcatalog.*`) are left out.
 */
export function decodeLabels(labels: Record<string, string>, prefix = 'traefik', middlewares?: MiddlewareRegistry): DecodedLabels {
  const errors: string[] = [];
  const servers: Record<string, ServerHint> = {};
  const pairs: Array<{ key: string; value: string }> = [];
  let enable: boolean | undefined;
  const lowerPrefix = `${prefix.toLowerCase()}.`;
  for (const [label, value] of Object.entries(labels)) {
    if (!label.toLowerCase().startsWith(lowerPrefix)) continue;
    const rest = label.slice(lowerPrefix.length);
    const lower = rest.toLowerCase();
    if (lower === 'enable') {
      const flag = value.trim().toLowerCase();
      if (flag === 'true' || flag === 'false') enable = flag === 'true';
      else errors.push(`label "${label}": expected true or false, got "${value}"`);
      continue;
    }
    if (!/^(http|tcp|udp|tls)\./.test(lower)) continue;
    const hint = HINT.exec(rest);
    if (hint) {
      const [, service, option] = hint as unknown as [string, string, string];
      const entry = (servers[service] ??= {});
      const key = option.toLowerCase();
      if (key === 'scheme') entry.scheme = value.trim();
      else if (/^\d+$/.test(value.trim())) entry[key as 'port' | 'weight'] = Number(value.trim());
      else errors.push(`label "${label}": expected a whole number, got "${value}"`);
      continue;
    }
    // `tls.domains[0].main` is the label spelling of the KV key `tls/domains/0/main`.
    pairs.push({ key: `labels/${rest.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`, value });
  }
  const decoded = decodeKv(pairs, 'labels', middlewares);
  for (const error of decoded.errors) errors.push(error.replace(/key "labels\/([^"]*)"/g, (_, key: string) => `label "${prefix}.${key.split('/').join('.')}"`));
  return { config: decoded.config, servers, ...(enable === undefined ? {} : { enable }), errors };
}

/** Turns Consul-style tags (`traefik.http.routers.r.rule=Host(...)`) into labels; tags without `=` are not labels. */
export function tagsToLabels(tags: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags) {
    const at = tag.indexOf('=');
    if (at > 0) labels[tag.slice(0, at).trim()] = tag.slice(at + 1);
  }
  return labels;
}
