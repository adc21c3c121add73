import { getContext } from '../src/http/context.js';
import { Type, type Static } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import { defineMiddleware } from '../src/middleware/definition.js';
import { configHash } from '../src/runtime/state-store.js';
import { authOptionProperties, DEFAULT_REALM } from './auth/auth-options.js';
import { CredentialCache } from './auth/credential-cache.js';
import { schemeOf, type HashScheme } from './auth/htpasswd.js';
import { quote, respondText } from './auth/respond.js';
import { loadUserLines } from './auth/users.js';
import { oncePerCompile } from '../src/middleware/once-per-compile.js';

/** How long a verified credential is trusted without re-running the hash (Traefik #7897). */
export const BASIC_AUTH_CACHE_TTL_MS = 5 * 60_000;
const CACHE_ENTRIES = 1024;

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const schema = Type.Object(authOptionProperties('name:hash'), { additionalProperties: false });

// The users (and their file) are read once per compile, not once per router using the middleware.
const prepareBasic = oncePerCompile((config: Static<typeof schema>) => {
  const users = new Map<string, { hash: string; scheme: HashScheme }>();
  for (const { fields, source } of loadUserLines(config.users, config.usersFile, 2, 'name:hash')) {
    const [name, hash] = fields as [string, string];
    const scheme = schemeOf(hash);
    if (!scheme) throw new Error(`${source}: unsupported password hash for user "${name}" (use bcrypt, apr1, MD5-crypt or {SHA})`);
    users.set(name, { hash, scheme });
  }
  if (users.size === 0) throw new Error('no users: set users or usersFile');
  // Unknown users still cost one hash, so timing does not reveal which names exist (as Traefik does).
  const decoy = users.values().next().value!;
  const realm = config.realm || DEFAULT_REALM;
  const challenge = { 'www-authenticate': `Basic realm=${quote(realm)}` };
  const fingerprint = configHash({ config, users: [...users].map(([name, u]) => `${name}:${u.hash}`) });
  return { users, decoy, challenge, fingerprint };
});

/** `basicAuth`: HTTP Basic authentication against htpasswd users (bcrypt, apr1, MD5-crypt, SHA1). */
export const basicAuthMiddleware = defineMiddleware({
  type: 'basicAuth',
  schema,
  create(config, next, ctx) {
    const { users, decoy, challenge, fingerprint } = prepareBasic(config);
    const cache = ctx.state.get(`basicAuth:${ctx.name}:${fingerprint}`, () => new CredentialCache(BASIC_AUTH_CACHE_TTL_MS, CACHE_ENTRIES));
    const headerField = config.headerField?.toLowerCase();

    const verify = async (req: IncomingMessage): Promise<string | undefined> => {
      const credentials = basicCredentials(req);
      if (!credentials) return undefined;
      const entry = users.get(credentials.user);
      const ok = await (entry ?? decoy).scheme.verify(credentials.password, (entry ?? decoy).hash);
      return ok && entry ? credentials.user : undefined;
    };

    return async (req, res) => {
      const authorization = req.headers.authorization;
      const user = authorization ? await cache.lookup(authorization, () => verify(req)) : undefined;
      if (user === undefined) return respondText(res, 401, challenge);
      getContext(req).clientUsername = user;
      if (headerField) req.headers[headerField] = user;
      if (config.removeHeader) delete req.headers.authorization;
      return next(req, res);
    };
  },
});
