// The forwarding tests run against the default HTTP/1 forwarder (undici); this file runs the same
// tests again against the http-proxy-3 path, so both stay behaviourally identical.
process.env.SWITCHYARD_FORWARDER = 'http-proxy';
await import('./forward-errors.test.js');
await import('./forward-request.test.js');
await import('./forward-streaming.test.js');
await import('./forward-https.test.js');
await import('./forward-chaos.test.js');
