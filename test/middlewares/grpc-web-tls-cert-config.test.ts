import t from 'tap';
import { grpcWebMiddleware } from '../../middlewares/grpc-web/index.js';
import { passTlsClientCertMiddleware } from '../../middlewares/pass-tls-client-cert.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

// The behaviour tables are in grpc-web.test.ts and pass-tls-client-cert.test.ts; these are their configuration errors.
const backend = await startEchoBackend();
const gw = await startTestGateway({ middlewares: [grpcWebMiddleware, passTlsClientCertMiddleware], dynamic: { 'empty.yaml': { http: {} } } });
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

t.test('grpcWeb configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'allowOrigins must be a list', config: { grpcWeb: { allowOrigins: '*' } }, error: /allowOrigins/ },
    { name: 'an empty origin is rejected', config: { grpcWeb: { allowOrigins: [''] } }, error: /allowOrigins/ },
    { name: 'an unknown option is rejected', config: { grpcWeb: { allowOrigin: ['*'] } }, error: /allowOrigin/ },
  ]);
});

t.test('passTLSClientCert configuration errors', async (t) => {
  await checkConfigErrors(t, gw, backend.url, [
    { name: 'pem must be a boolean', config: { passTLSClientCert: { pem: 'yes' } }, error: /pem/ },
    { name: 'an unknown info field is rejected', config: { passTLSClientCert: { info: { subjet: { commonName: true } } } }, error: /subjet/ },
    { name: 'the issuer has no organizationalUnit, as in Traefik', config: { passTLSClientCert: { info: { issuer: { organizationalUnit: true } } } }, error: /organizationalUnit/ },
    { name: 'an unknown option is rejected', config: { passTLSClientCert: { pem: true, der: true } }, error: /der/ },
  ]);
});
