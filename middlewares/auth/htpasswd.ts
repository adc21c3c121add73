import { createHash, timingSafeEqual } from 'node:crypto';
import { md5Crypt } from './apr1.js';
import { bcryptCompare, type BcryptCompare } from './bcrypt.js';

/** A password hash scheme found in htpasswd files. */
export interface HashScheme {
  name: string;
  /** True when `hash` is written in this scheme. */
  accepts(hash: string): boolean;
  verify(password: string, hash: string): Promise<boolean>;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Creates the bcrypt scheme around a compare function (so the implementation is swappable). */
export function bcryptScheme(compare: BcryptCompare = bcryptCompare): HashScheme {
  return {
    name: 'bcrypt',
    accepts: (hash) => /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash),
    // Apache writes $2y$, the same algorithm as $2b$ (PHP's name for the fixed variant).
    verify: (password, hash) => compare(password, hash.replace(/^\$2y\$/, '$2b$')),
  };
}

/** Apache's MD5-crypt (`$apr1$salt$digest`). */
export const apr1Scheme: HashScheme = {
  name: 'apr1',
  accepts: (hash) => /^\$apr1\$[^$]{0,8}\$[./A-Za-z0-9]{22}$/.test(hash),
  verify: async (password, hash) => sameText(md5Crypt(password, hash.split('$')[2]!), hash),
};

/** The original MD5-crypt (`$1$salt$digest`), which Traefik's htpasswd library also accepts. */
export const md5CryptScheme: HashScheme = {
  name: 'md5-crypt',
  accepts: (hash) => /^\$1\$[^$]{0,8}\$[./A-Za-z0-9]{22}$/.test(hash),
  verify: async (password, hash) => sameText(md5Crypt(password, hash.split('$')[2]!, '$1$'), hash),
};

/** Unsalted SHA-1 (`{SHA}` + base64), still written by `htpasswd -s`. */
export const sha1Scheme: HashScheme = {
  name: 'sha1',
  accepts: (hash) => /^\{SHA\}[A-Za-z0-9+/]{27}=$/.test(hash),
  verify: async (password, hash) => sameText(`{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`, hash),
};

/** The schemes basicAuth understands, in the order they are tried. */
export const HASH_SCHEMES: readonly HashScheme[] = [bcryptScheme(), apr1Scheme, md5CryptScheme, sha1Scheme];

/** Returns the scheme of a hash, or undefined when none accepts it. */
export function schemeOf(hash: string): HashScheme | undefined {
  return HASH_SCHEMES.find((scheme) => scheme.accepts(hash));
}
