import { getContext } from '../src/http/context.js';
import { Type, type Static } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import { defineMiddleware } from '../src/middleware/definition.js';
import { configHash } from '../src/runtime/state-store.js';
import { authOptionProperties, DEFAULT_REALM } from './auth/auth-options.js';
import { digestMatches, NonceAuthority, parseDigest } from './auth/digest.js';
import { quote, respondText } from './auth/respond.js';
import { loadUserLines } from './auth/users.js';
import { oncePerCompile } from '../src/middleware/once-per-compile.js';

type Outcome = { user: string } | { stale: true } | undefined;

const schema = Type.Object(authOptionProperties('name:realm:HA1'), { additionalProperties: false });

// The users (and their file) are read once per compile, not once per router using the middleware.
const prepareDigest = oncePerCompile((config: Static<typeof schema>) => {
  const users = new Map<string, string>();
  for (const { fields, source } of loadUserLines(config.users, config.usersFile, 3, 'name:realm:HA1')) {
    const [name, realm, ha1] = fields as [string, string, string];
    if (!/^[0-9a-fA-F]{32}$/.test(ha1)) throw new Error(`${source}: the hash of user "${name}" is not an MD5 hex digest of "name:realm:password"`);
    users.set(`${name}:${realm}`, ha1.toLowerCase());
  }
  if (users.size === 0) throw new Error('no users: set users or usersFile');
  return { users, realm: config.realm || DEFAULT_REALM, fingerprint: configHash({ config, users: [...users] }) };
});

/** `digestAuth`: HTTP Digest authentication (RFC 7616, MD5, qop=auth) against `name:realm:HA1` users. */
export const digestAuthMiddleware = defineMiddleware({
  type: 'digestAuth',
  schema,
  create(config, next, ctx) {
    const { users, realm, fingerprint } = prepareDigest(config);
    // Kept across reloads so nonces handed out before an unrelated change stay good.
    const nonces = ctx.state.get(`digestAuth:${ctx.name}:${fingerprint}`, () => new NonceAuthority());
    const headerField = config.headerField?.toLowerCase();

    const check = (req: IncomingMessage): Outcome => {
      const p = parseDigest(req.headers.authorization);
      if (!p || !p.username || !p.nonce || !p.response || p.realm !== realm) return undefined;
      if (p.qop !== 'auth' || !p.cnonce || !/^[0-9a-fA-F]{8}$/.test(p.nc ?? '')) return undefined;
      if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return undefined;
      if (p.opaque !== undefined && p.opaque !== nonces.opaque) return undefined;
      // The digest covers the request target the client sent (RFC 7616 §3.4.6).
      if (p.uri !== req.url) return undefined;
      const ha1 = users.get(`${p.username}:${realm}`);
      if (!ha1 || !digestMatches(p, ha1, req.method ?? 'GET')) return undefined;
      const state = nonces.check(p.nonce);
      if (state === 'invalid') return undefined;
      if (state === 'stale') return { stale: true };
      return nonces.count(p.nonce, parseInt(p.nc!, 16)) ? { user: p.username } : undefined;
    };

    return (req, res) => {
      const outcome = check(req);
      if (!outcome || !('user' in outcome)) {
        const stale = outcome ? ', stale=true' : '';
        const challenge = `Digest realm=${quote(realm)}, nonce=${quote(nonces.mint())}, opaque=${quote(nonces.opaque)}, algorithm=MD5, qop="auth"${stale}`;
        return respondText(res, 401, { 'www-authenticate': challenge });
      }
      getContext(req).clientUsername = outcome.user;
      if (headerField) req.headers[headerField] = outcome.user;
      if (config.removeHeader) delete req.headers.authorization;
      return next(req, res);
    };
  },
});
