// Kubernetes translation: time of one rebuild of the `kubernetes` provider's configuration from a snapshot of N
// Ingresses, each with its own TLS Secret (one EC certificate shared by all, as the check's cost does not depend
// on the name). The first translation checks every pair; later ones reuse the checks of unchanged Secrets.
// Usage: node --import ./bin/ts-hooks.js bench/kubernetes-translate.ts [N ...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { translate } from '../providers/kubernetes-ingress/translate/index.js';
import type { KubeSnapshot, TranslateOptions } from '../providers/kubernetes-ingress/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=bench.test', '-keyout', 'k.pem', '-out', 'c.pem'], { cwd: dir, stdio: 'pipe' });
const crt = readFileSync(path.join(dir, 'c.pem')).toString('base64');
const key = readFileSync(path.join(dir, 'k.pem')).toString('base64');
rmSync(dir, { recursive: true });

const options: TranslateOptions = { allowEmptyServices: true, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: true };
const sizes = process.argv.slice(2).map(Number);
console.log(`# node ${process.version}, ${os.cpus().length} cores; ms per translation`);
console.log('| Ingresses with a TLS Secret | first | later (median of 10) |');
console.log('| ---: | ---: | ---: |');
for (const n of sizes.length ? sizes : [100, 1000, 5000]) {
  const snapshot: KubeSnapshot = {
    ingresses: Array.from({ length: n }, (_, i) => ({
      metadata: { namespace: 'bench', name: `app${i}` },
      spec: {
        tls: [{ hosts: [`app${i}.test`], secretName: `app${i}-tls` }],
        rules: [{ host: `app${i}.test`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    })),
    ingressClasses: [],
    services: [{ metadata: { namespace: 'bench', name: 'web' }, spec: { ports: [{ port: 80 }] } }],
    endpointSlices: [],
    secrets: Array.from({ length: n }, (_, i) => ({ metadata: { namespace: 'bench', name: `app${i}-tls` }, type: 'kubernetes.io/tls', data: { 'tls.crt': crt, 'tls.key': key } })),
  };
  const timed = (): number => {
    const start = performance.now();
    const result = translate(snapshot, options);
    const ms = performance.now() - start;
    if (result.errors.length || result.config.tls?.certificates?.length !== n) throw new Error(`unexpected result: ${result.errors[0]}`);
    return ms;
  };
  const first = timed();
  const later = Array.from({ length: 10 }, timed).sort((a, b) => a - b);
  console.log(`| ${n} | ${first.toFixed(1)} | ${later[5]!.toFixed(1)} |`);
}
