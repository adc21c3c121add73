import t from 'tap';
import type { ServiceConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import { startServiceHarness } from '../../helpers/backend-harness.js';

const invalid: Array<[string, ServiceConfig, string]> = [
  ['a service with no kind is rejected', { middlewares: ['x'] }, 'a service needs one of loadBalancer, weighted, mirroring, failover or highestRandomWeight'],
  [
    'a service with two kinds is rejected',
    { loadBalancer: { servers: [] }, failover: { service: 'a', fallback: 'b' } },
    'a service must define exactly one of loadBalancer, weighted, mirroring, failover or highestRandomWeight, not loadBalancer and failover',
  ],
  ['a health check needs a path', { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }], healthCheck: { interval: '1s' } } }, 'healthCheck.path is required'],
  ['a zero health-check interval is rejected', { loadBalancer: { servers: [], healthCheck: { path: '/', interval: '0s' } } }, 'healthCheck.interval must be positive'],
  ['a server URL must parse', { loadBalancer: { servers: [{ url: 'not a url' }] } }, 'loadBalancer.servers[0].url "not a url" is not a valid URL'],
  ['an unknown strategy is rejected', { loadBalancer: { servers: [], strategy: 'random' } }, 'loadBalancer.strategy "random" is unknown (expected wrr, p2c, leasttime or hrw)'],
  ['strategy names are case-sensitive, as in Traefik', { loadBalancer: { servers: [], strategy: 'P2C' } }, 'loadBalancer.strategy "P2C" is unknown (expected wrr, p2c, leasttime or hrw)'],
  ['a hash key with a strategy other than hrw is rejected', { loadBalancer: { servers: [], strategy: 'p2c', hash: { source: 'header', name: 'x-tenant' } } }, 'loadBalancer.hash applies to the hrw strategy only, not p2c'],
  ['a header hash key needs a name', { loadBalancer: { servers: [], strategy: 'hrw', hash: { source: 'header' } } }, 'loadBalancer.hash.name is required for the header source'],
  ['a client IP hash key takes no name', { loadBalancer: { servers: [], strategy: 'hrw', hash: { name: 'x' } } }, 'loadBalancer.hash.name applies to the header, cookie and query sources, not clientIP'],
  ['ipStrategy applies to the client IP source only', { loadBalancer: { servers: [], strategy: 'hrw', hash: { source: 'cookie', name: 'sid', ipStrategy: { depth: 1 } } } }, 'loadBalancer.hash.ipStrategy applies to the clientIP source only'],
  ['a bad excluded IP in the hash ipStrategy is named', { loadBalancer: { servers: [], strategy: 'hrw', hash: { ipStrategy: { excludedIPs: ['nope'] } } } }, 'loadBalancer.hash.ipStrategy.excludedIPs[0]: "nope" is not an IP address or CIDR range'],
  ['a highestRandomWeight service with a missing child is rejected', { highestRandomWeight: { services: [{ name: 'ghost' }] } }, 'service "ghost" does not exist'],
  ['highestRandomWeight healthCheck {} needs health-checked children', { highestRandomWeight: { services: [{ name: 'lb' }], healthCheck: {} } }, 'highestRandomWeight.healthCheck needs health checking on every child, and service "lb" has none'],
  ['a passive health check needs a positive failure window', { loadBalancer: { servers: [], passiveHealthCheck: { failureWindow: '0s' } } }, 'passiveHealthCheck.failureWindow must be positive'],
  ['a weighted service with a missing child is rejected', { weighted: { services: [{ name: 'ghost' }] } }, 'service "ghost" does not exist'],
  ['a mirroring service with a missing mirror is rejected', { mirroring: { service: 'lb', mirrors: [{ name: 'ghost', percent: 5 }] } }, 'service "ghost" does not exist'],
  ['mirroring healthCheck {} needs a health-checked main service', { mirroring: { service: 'lb', healthCheck: {} } }, 'mirroring.healthCheck needs health checking on the main service, and service "lb" has none'],
];

t.test('invalid service configurations fail with a clear message', async (t) => {
  const harness = await startServiceHarness();
  t.teardown(() => harness.close());
  const lb = buildService({ loadBalancer: { servers: [] } }, harness.context('lb@file'));
  for (const [name, config, message] of invalid) {
    t.throws(() => buildService(config, harness.context('bad@file', { lb })), { message }, name);
  }
  t.equal(harness.state.size, 1, 'a failed build stores no health checker (only the valid balancer position)');
});
