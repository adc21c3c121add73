import t from 'tap';
import { classifyUpstreamError, statusFor, type ForwardError } from '../../../src/proxy/upstream-errors.js';

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

const table: Array<[string, unknown, boolean, ForwardError, number]> = [
  ['a refused connection is refused (502)', withCode('ECONNREFUSED'), false, 'refused', 502],
  ['an unknown name is refused (502)', withCode('ENOTFOUND'), false, 'refused', 502],
  ['a temporary DNS failure is refused (502)', withCode('EAI_AGAIN'), false, 'refused', 502],
  ['an unreachable host is refused (502)', withCode('EHOSTUNREACH'), false, 'refused', 502],
  ['http-proxy-3 connect timeout is a timeout (504)', withCode('ECONNECT_TIMEOUT'), false, 'timeout', 504],
  ['a socket timeout is a timeout (504)', withCode('ETIMEDOUT'), false, 'timeout', 504],
  ['a reset while our own timer fired is a timeout (504)', withCode('ECONNRESET'), true, 'timeout', 504],
  ['a reset is a reset (502)', withCode('ECONNRESET'), false, 'reset', 502],
  ['a broken pipe is a reset (502)', withCode('EPIPE'), false, 'reset', 502],
  ['a parse error of the response is a bad response (502)', withCode('HPE_INVALID_CONSTANT'), false, 'bad-response', 502],
  ['an invalid status code is a bad response (502)', withCode('ERR_HTTP_INVALID_STATUS_CODE'), false, 'bad-response', 502],
  ['an error without a code is a reset (502)', new Error('boom'), false, 'reset', 502],
  ['something that is not an error is a reset (502)', 'boom', false, 'reset', 502],
];
for (const [name, err, timedOut, kind, status] of table) {
  t.test(name, async (t) => {
    const classified = classifyUpstreamError(err, timedOut);
    t.equal(classified, kind);
    t.equal(statusFor(classified), status);
  });
}

t.test('a client that left is reported as 499', async (t) => {
  t.equal(statusFor('client-gone'), 499);
});
