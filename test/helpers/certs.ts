import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate and key in PEM, with the files they were written to. */
export interface Pem {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** Makes a test CA and leaf certificates with the openssl command (EC P-256, 1 day). */
export function createTestCA(): { ca: Pem; issue(names: string[], opts?: { client?: boolean }): Pem } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-certs-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=Switchyard Test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  const read = (name: string): Pem => ({
    cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
    certFile: path.join(dir, `${name}.crt`),
    keyFile: path.join(dir, `${name}.key`),
  });
  let serial = 0;
  return {
    ca: read('ca'),
    issue(names, opts = {}) {
      const name = `leaf${++serial}`;
      const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${opts.client ? 'clientAuth' : 'serverAuth'}\n`);
      run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
      run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
      return read(name);
    },
  };
}
