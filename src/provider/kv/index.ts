/** The Traefik KV layout and the provider loop shared by the etcd, Redis and Consul providers. */
export { decodeKv, type DecodedKv } from './decode.js';
export { buildKeyTree, normalizeRoot, type KeyNode } from './key-tree.js';
export { createKvProvider, type KvPair, type KvProviderOptions, type KvSession } from './kv-provider.js';
