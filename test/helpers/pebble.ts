import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

/** A private Pebble ACME CA with pebble-challtestsrv as its DNS (every name → 127.0.0.1, no AAAA). */
export interface Pebble {
  dir: string;
  directoryUrl: string;
  /** PEM of pebble's own API certificate (trust it as the resolver's caCertificates). */
  apiCertFile: string;
  apiCert: string;
  /** `host:port` of challtestsrv's DNS server, for dnsChallenge.resolvers. */
  dnsServer: string;
  /** challtestsrv's management API. */
  challtestsrv: string;
  /** Starts pebble itself, validating HTTP-01 on httpPort and TLS-ALPN-01 on tlsPort. */
  start(options: { httpPort?: number; tlsPort?: number; validitySeconds?: number; eab?: Record<string, string>; alternateRoots?: number }): Promise<void>;
  /** The root that issued certificates chain to (new on every pebble start); `index` > 0 names an alternate root. */
  root(index?: number): Promise<string>;
  /** Pebble's output so far (for failure messages and counting orders). */
  log(): string;
  close(): Promise<void>;
}

/**
 * Prepares a Pebble on free ports: the API certificate and challtestsrv first, pebble itself in
 * `start`, because its httpPort/tlsPort must be the gateway's entry points, known only after they listen.
 */
export async function preparePebble(): Promise<Pebble> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-pebble-'));
  const apiCertFile = path.join(dir, 'pebble-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=pebble-api', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', path.join(dir, 'pebble-key.pem'), '-out', apiCertFile], { stdio: 'pipe' });
  const apiCert = readFileSync(apiCertFile, 'utf8');
  const [acmePort, mgmtPort, dnsPort, ctsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  let output = '';
  const launch = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.once('error', (e) => (output += `\n${cmd}: ${e.message}`));
    children.push(child);
    return child;
  };
  // -defaultIPv6 "": otherwise pebble dials [::1] and a responder on 127.0.0.1 fails validation.
  launch('pebble-challtestsrv', ['-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${ctsPort}`]);
  const challtestsrv = `http://127.0.0.1:${ctsPort}`;
  await until(() => fetch(`${challtestsrv}/clear-txt`, { method: 'POST', body: '{"host":"probe.test."}' }).then(async (r) => (await r.arrayBuffer(), true), () => false), 'challtestsrv');
  const agent = new https.Agent({ ca: apiCert });
  const get = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      https.get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  return {
    dir,
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    apiCertFile,
    apiCert,
    dnsServer: `127.0.0.1:${dnsPort}`,
    challtestsrv,
    async start({ httpPort = 5002, tlsPort = 5001, validitySeconds, eab, alternateRoots }) {
      const config = {
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${mgmtPort}`,
          certificate: apiCertFile,
          privateKey: path.join(dir, 'pebble-key.pem'),
          httpPort,
          tlsPort,
          ocspResponderURL: '',
          externalAccountBindingRequired: Boolean(eab),
          ...(eab && { externalAccountMACKeys: eab }),
          ...(validitySeconds && { certificateValidityPeriod: validitySeconds }),
        },
      };
      writeFileSync(path.join(dir, 'pebble.json'), JSON.stringify(config));
      // NOSLEEP: no random 0-15 s validation delay; AUTHZREUSE=0: every order needs its challenges.
      const pebble = launch('pebble', ['-config', path.join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`, '-strict=false'], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0', PEBBLE_WFE_NONCEREJECT: '0', ...(alternateRoots && { PEBBLE_ALTERNATE_ROOTS: String(alternateRoots) }) });
      // Pebble makes its root and intermediate keys at start, which a loaded machine can stretch past 15 s;
      // one that exits (a port taken meanwhile) is reported with its own words at once.
      await until(async () => {
        if (pebble.exitCode !== null) throw new Error(`pebble exited (${pebble.exitCode}): ${output.slice(-400)}`);
        return get(`https://127.0.0.1:${acmePort}/dir`).then((r) => r.status === 200, () => false);
      }, 'pebble', 60_000);
    },
    async root(index = 0) {
      return (await get(`https://127.0.0.1:${mgmtPort}/roots/${index}`)).body;
    },
    log: () => output,
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A stand-in for lego's httpreq endpoint that forwards `/present` and `/cleanup` ({fqdn, value}) to
 * challtestsrv's `/set-txt` and `/clear-txt`; it counts calls.
 */
export async function startHttpreqBridge(challtestsrv: string): Promise<{ endpoint: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const { fqdn, value } = JSON.parse(body || '{}') as { fqdn: string; value: string };
      calls.push(`${req.url} ${fqdn}`);
      const target = req.url === '/present' ? '/set-txt' : req.url === '/cleanup' ? '/clear-txt' : undefined;
      if (!target) return void res.writeHead(404).end();
      const r = await fetch(`${challtestsrv}${target}`, { method: 'POST', body: JSON.stringify({ host: fqdn, value }) });
      res.writeHead(r.ok ? 200 : 502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs / 1000} s (is the Debian package pebble installed?)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GETs https://<servername>:<port>/ over 127.0.0.1 trusting only `ca`; rejects when verification fails. */
export function httpsGet(port: number, servername: string, ca: string): Promise<{ status: number; body: string; issuer: string; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, servername, path: '/', headers: { host: servername }, ca, agent: false }, (res) => {
      let body = '';
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, issuer: String(peer.issuer?.CN ?? ''), serial: peer.serialNumber ?? '' }));
    });
    req.on('error', reject);
  });
}

/** Resolves once `acme.source` holds a certificate for `name` passing `accept` (event-driven, no polling). */
export function waitForAcmeCertificate(
  acme: { source: { certificates(): Array<{ names: string[]; cert: string }>; onChange(l: () => void): () => void } },
  name: string,
  accept: (cert: string) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => acme.source.certificates().find((c) => c.names.includes(name) && accept(c.cert))?.cert;
    const found = check();
    if (found) return resolve(found);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ACME certificate for ${name} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const off = acme.source.onChange(() => {
      const cert = check();
      if (!cert) return;
      clearTimeout(timer);
      off();
      resolve(cert);
    });
  });
}
