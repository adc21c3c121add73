import t from 'tap';
import { translate } from '../../../providers/kubernetes-ingress/translate/index.js';
import type { KubeSnapshot, TranslateOptions } from '../../../providers/kubernetes-ingress/types.js';
import { createTestCA } from '../../helpers/certs.js';

// The translation remembers the check of a Secret's pair per `data` object (issue 8: parsing every pair on every
// rebuild). These cases translate snapshots one after the other and check each result is what a fresh check gives.

const OPTIONS: TranslateOptions = { allowEmptyServices: true, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: true };
const ca = createTestCA();
const one = ca.issue(['one.test']);
const two = ca.issue(['two.test']);
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const pairData = (cert: string, key: string): Record<string, string> => ({ 'tls.crt': b64(cert), 'tls.key': b64(key) });

function snapshot(secrets: Array<[name: string, data: Record<string, string>]>): KubeSnapshot {
  return {
    ingresses: [
      {
        metadata: { namespace: 'default', name: 'app' },
        spec: {
          tls: secrets.map(([secretName]) => ({ secretName })),
          rules: [{ host: 'one.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        },
      },
    ],
    ingressClasses: [],
    services: [{ metadata: { namespace: 'default', name: 'web' }, spec: { ports: [{ port: 80 }] } }],
    endpointSlices: [],
    secrets: secrets.map(([name, data]) => ({ metadata: { namespace: 'default', name }, type: 'kubernetes.io/tls', data })),
  };
}

interface Step {
  secrets: Array<[string, Record<string, string>]>;
  /** Before translating: changes made to a data object in place (the memo must not hide them). */
  change?: () => void;
  certificates: string[];
  errors: string[];
}

const shared = pairData(one.cert, one.key);
const cases: Array<[string, Step[]]> = [
  [
    'a data object changed in place is checked again',
    [
      { secrets: [['s', shared]], certificates: [one.cert], errors: [] },
      { secrets: [['s', shared]], change: () => (shared['tls.key'] = b64(two.key)), certificates: [], errors: ['secret default/s: tls.key does not match tls.crt'] },
      { secrets: [['s', shared]], change: () => (shared['tls.crt'] = b64(two.cert)), certificates: [two.cert], errors: [] },
    ],
  ],
  [
    'a renewed Secret (a new data object) gives its new certificate',
    [
      { secrets: [['s', pairData(one.cert, one.key)]], certificates: [one.cert], errors: [] },
      { secrets: [['s', pairData(two.cert, two.key)]], certificates: [two.cert], errors: [] },
    ],
  ],
  [
    'Secrets sharing one data object are each named in their error',
    (() => {
      const broken = pairData(one.cert, two.key);
      const step: Step = {
        secrets: [['a', broken], ['b', broken]],
        certificates: [],
        errors: ['secret default/a: tls.key does not match tls.crt', 'secret default/b: tls.key does not match tls.crt'],
      };
      return [step, step];
    })(),
  ],
  [
    'a Secret that lost its key is reported, and loads again once the key is back',
    (() => {
      const data = pairData(one.cert, one.key);
      const key = data['tls.key']!;
      return [
        { secrets: [['s', data]], certificates: [one.cert], errors: [] },
        { secrets: [['s', data]], change: () => delete data['tls.key'], certificates: [], errors: ['secret default/s: has no tls.key'] },
        { secrets: [['s', data]], change: () => (data['tls.key'] = key), certificates: [one.cert], errors: [] },
      ];
    })(),
  ],
];

for (const [name, steps] of cases) {
  t.test(name, async (t) => {
    steps.forEach((step, i) => {
      step.change?.();
      const result = translate(snapshot(step.secrets), OPTIONS);
      t.strictSame(
        (result.config.tls?.certificates ?? []).map((c) => c.certFile),
        step.certificates,
        `step ${i + 1}: certificates`,
      );
      t.equal(result.errors.length, step.errors.length, `step ${i + 1}: ${JSON.stringify(result.errors)}`);
      step.errors.forEach((expected, k) => t.ok(result.errors[k]?.includes(expected), `step ${i + 1}: error ${k} says ${expected}`));
    });
  });
}
