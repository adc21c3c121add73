import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from '../lazy-modules.js';
import { kvTlsConnection, type KvTls } from '../provider/kv/static-options.js';
import { createSerializer, decodeResolverData, encodeResolverData, pause } from './storage-shared.js';
import type { StorageBackend, Unlock } from './storage.js';

/** Where and how a Redis storage keeps ACME data. */
export interface RedisStorageOptions {
  /** `host:port`. */
  endpoint: string;
  db: number;
  /** Keys are `<prefix>:resolver:<name>` and `<prefix>:lock:<name>`; changes are published on `<prefix>:changed`. */
  prefix: string;
  /** PX of a lock: a holder that dies releases it this long after its last refresh. */
  lockTtlMs: number;
  username?: string;
  password?: string;
  tls?: KvTls;
}

const POLL_MS = 100;
// Both compare the holder's token so a holder whose lock expired never touches its successor's.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const REFRESH = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * ACME storage in Redis: one JSON string per resolver, updated with WATCH/MULTI/EXEC (retried when
 * another writer got in between) and announced with PUBLISH; locks are `SET NX PX` keys holding a
 * random token, refreshed while held and released by a token-checking script, so a crashed
 * holder's lock expires after `lockTtlMs`. Changes made with other tools than Switchyard are not announced.
 */
export function redisStorage(options: RedisStorageOptions): StorageBackend {
  const [host, port] = splitHostPort(options.endpoint);
  const settings: RedisOptions = {
    host,
    port,
    db: options.db,
    ...(options.username && { username: options.username }),
    ...(options.password !== undefined && { password: options.password }),
    ...(options.tls && { tls: kvTlsConnection(options.tls) }),
  };
  const client = new (loadIoredis().Redis)(settings);
  // WATCH belongs to a connection: transactions get their own, one at a time.
  const tx = client.duplicate();
  let subscriber: Redis | undefined;
  const serial = createSerializer();
  const listeners = new Set<() => void>();
  const held = new Map<string, { token: string; timer: NodeJS.Timeout }>();
  const channel = `${options.prefix}:changed`;
  const dataKey = (resolver: string) => `${options.prefix}:resolver:${resolver}`;
  const lockKey = (name: string) => `${options.prefix}:lock:${name}`;
  // Errors also reach the command that failed; without a listener ioredis prints them.
  for (const c of [client, tx]) c.on('error', () => undefined);

  const release = async (key: string, token: string) => {
    const entry = held.get(key);
    if (entry?.token === token) {
      clearInterval(entry.timer);
      held.delete(key);
    }
    await client.eval(RELEASE, 1, key, token);
  };

  return {
    async read(resolver) {
      return decodeResolverData(await client.get(dataKey(resolver)));
    },
    update(resolver, change) {
      const key = dataKey(resolver);
      return serial('tx', async () => {
        for (let attempt = 0; ; attempt++) {
          await tx.watch(key);
          const next = change(decodeResolverData(await tx.get(key)));
          const done = await tx.multi().set(key, encodeResolverData(next)).publish(channel, resolver).exec();
          if (done) return next;
          await pause(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * Math.random());
        }
      });
    },
    async lock(name, signal): Promise<Unlock> {
      const key = lockKey(name);
      const token = randomUUID();
      for (;;) {
        signal?.throwIfAborted();
        if ((await client.set(key, token, 'PX', options.lockTtlMs, 'NX')) === 'OK') break;
        await pause(POLL_MS + Math.random() * POLL_MS, signal);
      }
      const timer = setInterval(() => void client.eval(REFRESH, 1, key, token, String(options.lockTtlMs)).catch(() => undefined), Math.max(50, options.lockTtlMs / 3));
      timer.unref();
      held.set(key, { token, timer });
      return () => release(key, token);
    },
    watch(listener) {
      listeners.add(listener);
      if (!subscriber) {
        subscriber = client.duplicate();
        subscriber.on('error', () => undefined);
        subscriber.on('message', () => listeners.forEach((l) => l()));
        void subscriber.subscribe(channel).catch(() => undefined);
      }
      return () => void listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await Promise.all([...held].map(([key, { token }]) => release(key, token).catch(() => undefined)));
      for (const c of [client, tx, subscriber]) c?.disconnect();
    },
  };
}

function splitHostPort(endpoint: string): [string, number] {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(endpoint);
  if (!match) throw new Error(`"${endpoint}" is not host:port`);
  return [match[1]!, match[2] ? Number(match[2]) : 6379];
}
