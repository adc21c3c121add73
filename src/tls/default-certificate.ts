import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Subject of the certificate served when nothing else matches, as Traefik names its own. */
export const DEFAULT_CERT_SUBJECT = 'SWITCHYARD DEFAULT CERT';

/**
 * Generates the self-signed fallback certificate (EC P-256, one year) with the `openssl` command:
 * Node has no API that creates X.509 certificates. Resolves undefined when openssl is missing or no
 * temporary folder can be written.
 */
export async function generateDefaultCertificate(): Promise<{ cert: string; key: string } | undefined> {
  let dir: string | undefined;
  try {
    // A read-only root filesystem without a writable /tmp must still start: then there is no fallback certificate.
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-default-cert-'));
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '365',
      '-subj', `/CN=${DEFAULT_CERT_SUBJECT}`, '-addext', `subjectAltName=DNS:${DEFAULT_CERT_SUBJECT.toLowerCase().replace(/ /g, '-')}.invalid`,
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { timeout: 10_000 });
    return { cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'), key: await readFile(path.join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
