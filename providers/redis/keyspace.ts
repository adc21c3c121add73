import type { Redis } from 'ioredis';
import type { Logger } from '../../src/log.js';

// K: keyspace channel; g: DEL, RENAME, EXPIRE…; $: SET…; x: expiry; e: eviction (Redis docs, "Keyspace notifications").
const NEEDED = ['K', 'g', '$', 'x', 'e'];

/** True when the server sends the keyspace events the provider needs, turning them on with CONFIG SET if allowed. */
export async function enableKeyspaceEvents(client: Redis, log: Logger): Promise<boolean> {
  let flags: string;
  try {
    const reply = (await client.config('GET', 'notify-keyspace-events')) as string[];
    flags = reply[1] ?? '';
  } catch (error) {
    log.info({ provider: 'redis' }, `cannot read notify-keyspace-events: ${(error as Error).message}`);
    return false;
  }
  const covered = (flag: string) => flags.includes(flag) || (flag !== 'K' && flags.includes('A'));
  const missing = NEEDED.filter((flag) => !covered(flag));
  if (missing.length === 0) return true;
  try {
    // Added to what is there, so other users of the server keep their notifications.
    await client.config('SET', 'notify-keyspace-events', flags + missing.join(''));
    log.info({ provider: 'redis' }, `enabled keyspace notifications (${flags + missing.join('')})`);
    return true;
  } catch (error) {
    log.info({ provider: 'redis' }, `cannot enable keyspace notifications: ${(error as Error).message}`);
    return false;
  }
}
