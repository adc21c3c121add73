import t from 'tap';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStaticConfig } from '../../src/config/static-load.js';
import { startGateway } from '../../src/gateway.js';
import { silentLogger } from '../../src/log.js';
import { freePort } from '../helpers/free-port.js';
import { preparePebble, httpsGet, waitForAcmeCertificate } from '../helpers/pebble.js';
import { startBackend } from '../helpers/backends.js';

// Boots examples/acme-pebble as written, except ports and the Pebble it talks to (a private one on free ports).
const EXAMPLE = fileURLToPath(new URL('../../examples/acme-pebble/', import.meta.url));

t.test('examples/acme-pebble obtains a certificate for its router from a local Pebble', async (t) => {
  const pebble = await preparePebble();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-example-acme-'));
  t.teardown(async () => {
    await pebble.close();
    await rm(dir, { recursive: true, force: true });
  });
  await cp(EXAMPLE, dir, { recursive: true });
  await cp(pebble.apiCertFile, path.join(dir, 'pebble-cert.pem'));
  const backend = await startBackend((req, res) => res.end(`demo saw ${req.headers.host}`));
  t.teardown(() => backend.close());
  const app = path.join(dir, 'dynamic', 'app.yaml');
  await writeFile(app, (await readFile(app, 'utf8')).replaceAll('127.0.0.1:8001', `127.0.0.1:${backend.port}`));
  const webPort = await freePort();
  await pebble.start({ httpPort: webPort });
  const { config, file } = await loadStaticConfig({
    argv: [
      '--configFile=switchyard.yaml',
      `--entryPoints.web.address=127.0.0.1:${webPort}`,
      '--entryPoints.websecure.address=127.0.0.1:0',
      '--entryPoints.switchyard.address=127.0.0.1:0',
      `--certificatesResolvers.pebble.acme.caServer=${pebble.directoryUrl}`,
    ],
    env: {},
    cwd: dir,
  });
  const gateway = await startGateway({ config, baseDir: path.dirname(path.resolve(dir, file!)), log: silentLogger });
  t.teardown(() => gateway.shutdown());
  await gateway.waitForVersion(1);
  await waitForAcmeCertificate(gateway.acme!, 'app.example.test');
  t.equal((await stat(path.join(dir, 'acme.json'))).mode & 0o777, 0o600, 'stored in the example\'s acme.json');

  const answer = await httpsGet(gateway.port('websecure'), 'app.example.test', await pebble.root());
  t.equal(answer.body, 'demo saw app.example.test', 'served over HTTPS on websecure with the issued certificate');
});
