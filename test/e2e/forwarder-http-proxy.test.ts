// Whole-gateway forwarding tests against the http-proxy-3 path (the suite's default run uses undici).
import t from 'tap';

process.env.SWITCHYARD_FORWARDER = 'http-proxy';
// Two test files run in this one: give them both files' time.
t.setTimeout(240_000);
await import('./entry-point.test.js');
await import('./servers-transport.test.js');
