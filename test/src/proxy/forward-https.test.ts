import t from 'tap';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startHarness } from '../../helpers/forward-harness.js';
import { createTransport } from '../../../src/proxy/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-tls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=backend.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });

async function startTlsBackend(): Promise<{ url: string; close(): Promise<void> }> {
  const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    res.end(`tls ${req.url} ${req.headers.host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

t.test('an https server is reached through the transport pool when verification is skipped', async (t) => {
  const backend = await startTlsBackend();
  const transport = createTransport({ insecureSkipVerify: true });
  const harness = await startHarness({ target: backend.url, transport, passHostHeader: false });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
    transport.dispose();
  });
  const body = await fetch(`${harness.url}/secure/../path`).then((r) => r.text());
  t.equal(body, `tls /path ${new URL(backend.url).host}`);
});

t.test('an https server with an untrusted certificate is answered with 502', async (t) => {
  const backend = await startTlsBackend();
  const harness = await startHarness({ target: backend.url });
  t.teardown(async () => {
    await harness.close();
    await backend.close();
  });
  const response = await fetch(harness.url);
  t.equal(response.status, 502);
  const outcome = await harness.nextOutcome();
  t.equal(outcome.status, 502);
  t.equal(outcome.responded, false);
});
