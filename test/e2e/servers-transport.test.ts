import t from 'tap';
import https from 'node:https';
import { once } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { createTestCA } from '../helpers/certs.js';

// http.serversTransports: how the gateway reaches HTTPS servers (traefik-behaviour.md §2.4).
t.test('servers transports verify, name and authenticate HTTPS servers', async (t) => {
  const authority = createTestCA();
  const serverCert = authority.issue(['backend.test']);
  const clientCert = authority.issue(['gateway.test'], { client: true });
  const server = https.createServer({ cert: serverCert.cert, key: serverCert.key, ca: authority.ca.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.end(JSON.stringify({ sni: (req.socket as TLSSocket).servername, client: peer?.subject?.CN ?? null }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;

  const route = (name: string, transport?: string) => ({
    [`r-${name}`]: { rule: `Path(\`/${name}\`)`, service: `s-${name}` },
  });
  const service = (name: string, transport?: string) => ({
    [`s-${name}`]: { loadBalancer: { servers: [{ url }], ...(transport ? { serversTransport: transport } : {}) } },
  });
  const cases: Array<[string, Record<string, unknown> | undefined, number, RegExp?]> = [
    ['an untrusted server certificate is refused with 502', undefined, 502],
    ['insecureSkipVerify accepts any certificate', { insecureSkipVerify: true }, 200, /"client":null/],
    ['rootCAs from a file trust the server, and serverName is the SNI and the checked name', { rootCAs: [authority.ca.certFile], serverName: 'backend.test' }, 200, /"sni":"backend.test"/],
    ['rootCAs inline work the same', { rootCAs: [authority.ca.cert], serverName: 'backend.test' }, 200],
    ['a certificate for another name is refused', { rootCAs: [authority.ca.certFile], serverName: 'other.test' }, 502],
    ['certificates present a client certificate (mTLS)', { rootCAs: [authority.ca.certFile], serverName: 'backend.test', certificates: [{ certFile: clientCert.certFile, keyFile: clientCert.keyFile }] }, 200, /"client":"gateway.test"/],
    ['minVersion TLS 1.3 still reaches a TLS 1.3 server', { insecureSkipVerify: true, minVersion: 'VersionTLS13' }, 200],
  ];
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const transports: Record<string, unknown> = {};
  cases.forEach(([, transport], i) => {
    Object.assign(routers, route(String(i)));
    Object.assign(services, service(String(i), transport ? `t-${i}` : undefined));
    if (transport) transports[`t-${i}`] = transport;
  });
  Object.assign(routers, { 'r-badfile': { rule: 'Path(`/badfile`)', service: 's-badfile' } });
  Object.assign(services, { 's-badfile': { loadBalancer: { servers: [{ url }], serversTransport: 'missing-file' } } });
  transports['missing-file'] = { rootCAs: ['/nonexistent/ca.pem'] };

  const gw = await startTestGateway({ dynamic: { 'tls.yaml': { http: { routers, services, serversTransports: transports } } } });
  t.teardown(async () => {
    await gw.close();
    server.close();
  });
  for (const [i, [name, , status, body]] of cases.entries()) {
    await t.test(name, async (t) => {
      const response = await fetch(gw.url(`/${i}`));
      const text = await response.text();
      t.equal(response.status, status);
      if (body) t.match(text, body);
    });
  }
  await t.test('an unreadable rootCAs file disables the service and names the file', async (t) => {
    const status = gw.gateway.table()!.status.services['s-badfile@file'];
    t.equal(status?.status, 'disabled');
    t.match(status?.error?.join(' '), /rootCAs\[0\].*\/nonexistent\/ca\.pem/);
  });
});
