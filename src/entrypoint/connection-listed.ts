import type { IncomingHttpHeaders } from 'node:http';
import { connectionTokens } from '../proxy/hop-by-hop.js';
import { isManagedHeader } from '../proxy/managed-headers.js';

// The message's own framing and target: removing them would change how the forwarded body is
// framed (a GET body sent unframed is a second request to the server, RFC 9112 §11.2) or which
// virtual host the server picks. Hop-by-hop framing is re-derived at forwarding anyway.
const END_TO_END = new Set(['host', 'content-length', 'transfer-encoding']);

/**
 * Removes the headers a client lists in `Connection` as the request enters, before any middleware
 * (RFC 9110 §7.6.1), so a client cannot make the gateway drop a header a middleware sets later
 * (CVE-2021-32813). Names in `keep` (`forwardedHeaders.connection`) survive the middleware chain and
 * are removed when the request is forwarded. `Upgrade` stays for the WebSocket handshake.
 */
export function removeConnectionListed(headers: IncomingHttpHeaders, keep: ReadonlySet<string>): void {
  for (const token of connectionTokens(headers)) {
    if (token === 'upgrade' || token === 'keep-alive' || token === 'close' || END_TO_END.has(token) || keep.has(token) || isManagedHeader(token)) continue;
    delete headers[token];
  }
}
