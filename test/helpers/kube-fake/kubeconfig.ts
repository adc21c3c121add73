import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a kubeconfig (server, certificate-authority-data, bearer token) into a new temp dir and returns its path. */
export function writeKubeconfig(server: string, caPem: string, token: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-kubeconfig-'));
  const file = path.join(dir, 'kubeconfig');
  // JSON is YAML, and both client-node and kubectl read it.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'fake', user: { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': 'fake',
    preferences: {},
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}
