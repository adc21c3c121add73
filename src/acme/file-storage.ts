import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { mkdirSync, watch as watchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { ResolverData, StorageBackend, StoredCertificate, Unlock } from './storage.js';

// A lock whose holder stopped refreshing it this long ago is taken over (the holder crashed).
const STALE_LOCK_MS = 60_000;
const REFRESH_MS = 10_000;
const POLL_MS = 50;

/**
 * The default backend: one JSON file shaped like Traefik's acme.json (resolver → Account,
 * Certificates with base64 PEM). Writes go to a temp file that is renamed over the original, mode
 * 0600, so a crash leaves either the old or the new file, never half of one (#4451). Locks are
 * lockfiles next to it created with O_EXCL, so processes sharing the file order once.
 */
export function fileStorage(file: string, options: { staleLockMs?: number } = {}): StorageBackend {
  const staleLockMs = options.staleLockMs ?? STALE_LOCK_MS;
  const dir = path.dirname(file);
  const lockPath = (name: string) => `${file}.${createHash('sha256').update(name).digest('hex').slice(0, 16)}.lock`;
  const watchers = new Set<FSWatcher>();

  const readAll = async (): Promise<Record<string, unknown>> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    if (text.trim() === '') return {};
    return JSON.parse(text) as Record<string, unknown>;
  };

  const writeAll = async (all: Record<string, unknown>) => {
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(all, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  };

  const lock = async (name: string, signal?: AbortSignal): Promise<Unlock> => {
    const target = lockPath(name);
    await mkdir(dir, { recursive: true });
    for (;;) {
      signal?.throwIfAborted();
      try {
        const handle = await open(target, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const info = await stat(target).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > staleLockMs) await rm(target, { force: true });
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    // The mtime is the heartbeat that tells others the holder is alive.
    const refresh = setInterval(() => void writeFile(target, `${process.pid}\n`).catch(() => undefined), Math.min(REFRESH_MS, staleLockMs / 6));
    refresh.unref();
    return async () => {
      clearInterval(refresh);
      await rm(target, { force: true });
    };
  };

  return {
    async read(resolver) {
      return fromDisk((await readAll())[resolver]);
    },
    async update(resolver, change) {
      const unlock = await lock('\0storage');
      try {
        const all = await readAll();
        const next = change(fromDisk(all[resolver]));
        all[resolver] = toDisk(next);
        await writeAll(all);
        return next;
      } finally {
        await unlock();
      }
    },
    lock,
    watch(listener) {
      // Watch the folder: the file is replaced by rename, which a watch on the file itself would miss.
      const base = path.basename(file);
      let watcher: FSWatcher;
      try {
        // A folder made later would never be watched; the first write would create it anyway.
        mkdirSync(dir, { recursive: true });
        watcher = watchFile(dir, (_event, changed) => {
          if (!changed || changed.toString() === base) listener();
        });
      } catch {
        return () => undefined;
      }
      watchers.add(watcher);
      return () => {
        watcher.close();
        watchers.delete(watcher);
      };
    },
    async close() {
      for (const w of watchers) w.close();
      watchers.clear();
    },
  };
}

interface DiskResolver {
  Account?: { Email: string; Registration?: { uri: string }; PrivateKey: string; CAServer?: string };
  Certificates?: Array<{ domain: { main: string; sans?: string[] }; certificate: string; key: string; Store?: string }>;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

function fromDisk(raw: unknown): ResolverData {
  const r = (raw ?? {}) as DiskResolver;
  const a = r.Account;
  return {
    ...(a && { account: { email: a.Email, url: a.Registration?.uri ?? '', privateKey: unb64(a.PrivateKey), caServer: a.CAServer ?? '' } }),
    certificates: (r.Certificates ?? []).map(
      (c): StoredCertificate => ({ domain: { main: c.domain.main, sans: c.domain.sans ?? [] }, certificate: unb64(c.certificate), key: unb64(c.key) }),
    ),
  };
}

function toDisk(data: ResolverData): DiskResolver {
  const a = data.account;
  return {
    ...(a && { Account: { Email: a.email, Registration: { uri: a.url }, PrivateKey: b64(a.privateKey), CAServer: a.caServer } }),
    Certificates: data.certificates.map((c) => ({ domain: { main: c.domain.main, ...(c.domain.sans.length && { sans: c.domain.sans }) }, certificate: b64(c.certificate), key: b64(c.key), Store: 'default' })),
  };
}
