// The retry tests against the http-proxy-3 forwarding path (the suite's default run uses undici): that path
// settles an exchange on the response's 'finish', which a dropped first attempt never emits by itself.
import t from 'tap';

process.env.SWITCHYARD_FORWARDER = 'http-proxy';
// Two test files run in this one: give them both files' time.
t.setTimeout(240_000);
await import('./retry.test.js');
await import('./retry-direct.test.js');
