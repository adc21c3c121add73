import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../duration.js';
import { fileStorage } from './file-storage.js';
import { etcdStorage } from './storage-etcd.js';
import { kubernetesStorage } from './storage-kubernetes.js';
import { redisStorage } from './storage-redis.js';
import type { StorageBackend } from './storage.js';

/** A `scheme://user:password@host:port,host2:port/path?param=value` storage setting, split into its parts. */
export interface StorageLocation {
  /** As written, for messages. */
  raw: string;
  scheme: string;
  username?: string;
  password?: string;
  /** The authority's comma-separated hosts (`host:port`), possibly empty. */
  hosts: string[];
  /** The path without its leading slash (`''` when absent). */
  path: string;
  params: URLSearchParams;
  /** Relative files named in params (`ca`, `kubeconfig`) resolve against this. */
  baseDir: string;
}

/** Creates a backend for one storage location; throws an Error naming what is wrong with it. */
export type StorageBackendFactory = (location: StorageLocation) => StorageBackend;

const factories = new Map<string, StorageBackendFactory>();

/** Adds a storage backend for settings written `<scheme>://…` (embedders use this for their own stores). */
export function registerStorageBackend(scheme: string, factory: StorageBackendFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

/** The schemes a storage setting may use besides a plain file path. */
export function storageSchemes(): string[] {
  return [...factories.keys()].sort();
}

// Windows drive letters (`C:\…`) have no `//`, so they stay file paths.
const LOCATION = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/i;

/** Splits a `scheme://…` setting; undefined for a plain file path. */
export function parseStorageLocation(storage: string, baseDir: string): StorageLocation | undefined {
  const match = LOCATION.exec(storage.trim());
  if (!match) return undefined;
  const [, scheme, userinfo, authority, rest, query] = match;
  const [user, ...pass] = (userinfo ?? '').split(':');
  return {
    raw: storage,
    scheme: scheme!.toLowerCase(),
    ...(user && { username: decodeURIComponent(user) }),
    ...(pass.length && { password: decodeURIComponent(pass.join(':')) }),
    hosts: (authority ?? '').split(',').filter(Boolean),
    path: decodeURIComponent(rest ?? ''),
    params: new URLSearchParams(query ?? ''),
    baseDir,
  };
}

/** A duration parameter in milliseconds (`lockTtl=30s`), or the default when absent. */
export function durationParam(location: StorageLocation, name: string, fallbackMs: number): number {
  const value = location.params.get(name);
  if (value === null) return fallbackMs;
  const ms = parseDuration(value);
  if (!(ms > 0)) throw new Error(`${name} must be a positive duration`);
  return ms;
}

/** The content of a file named by a parameter (`ca=/etc/ssl/etcd-ca.pem`), or undefined when absent. */
export function fileParam(location: StorageLocation, name: string): string | undefined {
  const value = location.params.get(name);
  return value === null ? undefined : readFileSync(path.resolve(location.baseDir, value), 'utf8');
}

/** The identity under which a storage setting is opened once and shared by resolvers. */
export function storageIdentity(storage: string, baseDir: string): string {
  return parseStorageLocation(storage, baseDir) ? storage.trim() : path.resolve(baseDir, storage);
}

/**
 * Opens the backend a resolver's `storage` names: a registered scheme (`etcd://`, `redis://`,
 * `kubernetes://`, …) or else a file path relative to `baseDir`. Throws naming the setting when the
 * scheme is unknown or its parameters are wrong.
 */
export function createStorage(storage: string, baseDir: string): StorageBackend {
  const location = parseStorageLocation(storage, baseDir);
  if (!location) return fileStorage(path.resolve(baseDir, storage));
  const factory = factories.get(location.scheme);
  if (!factory) throw new Error(`storage "${storage}": unknown scheme "${location.scheme}" (known: ${storageSchemes().join(', ')}, or a file path)`);
  try {
    return factory(location);
  } catch (error) {
    throw new Error(`storage "${redact(location)}": ${(error as Error).message}`);
  }
}

/** The setting with its password hidden, for messages. */
export function redact(location: StorageLocation): string {
  return location.password === undefined ? location.raw : location.raw.replace(/:[^:@/]*@/, ':***@');
}

registerStorageBackend('etcd', (l) => etcdStorage(etcdOptionsFrom(l, false)));
registerStorageBackend('etcds', (l) => etcdStorage(etcdOptionsFrom(l, true)));
registerStorageBackend('redis', (l) => redisStorage(redisOptionsFrom(l, false)));
registerStorageBackend('rediss', (l) => redisStorage(redisOptionsFrom(l, true)));
registerStorageBackend('kubernetes', (l) => kubernetesStorage(kubernetesOptionsFrom(l)));

function tlsFrom(location: StorageLocation) {
  const [ca, cert, key] = ['ca', 'cert', 'key'].map((name) => fileParam(location, name));
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }), insecureSkipVerify: location.params.get('insecureSkipVerify') === 'true' };
}

function auth(location: StorageLocation) {
  return location.username !== undefined || location.password !== undefined ? { username: location.username ?? '', password: location.password ?? '' } : undefined;
}

function etcdOptionsFrom(location: StorageLocation, tls: boolean) {
  if (!location.hosts.length) throw new Error('no etcd endpoint (write etcd://host:2379/prefix)');
  const credentials = auth(location);
  return {
    endpoints: location.hosts,
    prefix: location.path.replace(/\/+$/, '') || 'switchyard/acme',
    lockTtlMs: durationParam(location, 'lockTtl', 30_000),
    ...(credentials && { auth: credentials }),
    ...(tls && { tls: tlsFrom(location) }),
  };
}

function redisOptionsFrom(location: StorageLocation, tls: boolean) {
  if (location.hosts.length !== 1) throw new Error('name exactly one Redis server (write redis://host:6379/0)');
  const db = location.path === '' ? 0 : Number(location.path);
  if (!Number.isInteger(db) || db < 0) throw new Error(`database "${location.path}" is not a number`);
  return {
    endpoint: location.hosts[0]!,
    db,
    prefix: location.params.get('prefix') ?? 'switchyard:acme',
    lockTtlMs: durationParam(location, 'lockTtl', 30_000),
    ...(location.username && { username: location.username }),
    ...(location.password !== undefined && { password: location.password }),
    ...(tls && { tls: tlsFrom(location) }),
  };
}

function kubernetesOptionsFrom(location: StorageLocation) {
  const prefix = location.path.replace(/\/+$/, '') || 'switchyard-acme';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(prefix)) throw new Error(`secret prefix "${prefix}" must be lower-case letters, digits and dashes`);
  const kubeconfig = location.params.get('kubeconfig');
  return {
    ...(location.hosts[0] && { namespace: location.hosts[0] }),
    prefix,
    lockDurationMs: durationParam(location, 'lockDuration', 30_000),
    ...(kubeconfig && { kubeconfig: path.resolve(location.baseDir, kubeconfig) }),
  };
}
