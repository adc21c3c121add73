import { createRequire } from 'node:module';

// These client libraries cost tens of megabytes of memory and a noticeable start-up time each
// (acme-client ~40 MB, etcd3 ~36 MB, ioredis ~23 MB of RSS when imported): a gateway loads one only
// when its configuration uses it. They are CommonJS, so a synchronous require keeps the callers' APIs.
const require = createRequire(import.meta.url);

/** The `ioredis` module, loaded on first use. */
export function loadIoredis(): typeof import('ioredis') {
  return require('ioredis') as typeof import('ioredis');
}

/** The `etcd3` module, loaded on first use. */
export function loadEtcd3(): typeof import('etcd3') {
  return require('etcd3') as typeof import('etcd3');
}

/** The `acme-client` module, loaded on first use. */
export function loadAcmeClient(): typeof import('acme-client') {
  return require('acme-client') as typeof import('acme-client');
}

/** The `re2-wasm` module, loaded on first use (only patterns that could backtrack exponentially need it). */
export function loadRe2(): typeof import('re2-wasm') {
  return require('re2-wasm') as typeof import('re2-wasm');
}
