import { Type, type Static } from '@sinclair/typebox';
import { STATUS_CODES } from 'node:http';
import { defineMiddleware, type MiddlewareDefinition } from '../src/middleware/definition.js';
import { IpStrategySchema, createIpStrategy } from '../src/middleware/ip-strategy.js';
import { inIpRanges, ipRangeList } from '../src/ip-ranges.js';
import { oncePerCompile } from '../src/middleware/once-per-compile.js';

const schema = Type.Object(
  {
    sourceRange: Type.Array(Type.String(), { minItems: 1, description: 'Allowed client addresses: IPv4/IPv6 addresses or CIDR ranges. Required.' }),
    ipStrategy: Type.Optional(IpStrategySchema),
    rejectStatusCode: Type.Optional(Type.Integer({ description: 'Status answered to clients outside sourceRange. Default 403.' })),
  },
  { additionalProperties: false },
);

// An entry point's allow list is created once per router on it: its ranges are parsed once per compile.
const prepare = oncePerCompile((config: Static<typeof schema>) => {
  const list = ipRangeList(config.sourceRange, 'sourceRange');
  const status = config.rejectStatusCode || 403;
  if (status < 200 || status > 599 || !STATUS_CODES[status]) throw new Error(`rejectStatusCode: invalid HTTP status code ${status}`);
  return { list, status, body: STATUS_CODES[status]!, clientIp: createIpStrategy(config.ipStrategy) };
});

function createAllowList(type: string): MiddlewareDefinition<typeof schema> {
  return defineMiddleware({
    type,
    schema,
    create(config, next) {
      const { list, status, body, clientIp } = prepare(config);
      return (req, res) => {
        // An IPv4-mapped IPv6 client matches IPv4 ranges, as Go's IPNet.Contains does.
        if (inIpRanges(list, clientIp(req))) return next(req, res);
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
    },
  });
}

/** `ipAllowList`: lets through only clients whose address (chosen by ipStrategy) is in sourceRange. */
export const ipAllowListMiddleware = createAllowList('ipAllowList');

/** `ipWhiteList`: Traefik's deprecated name for ipAllowList, with the same behaviour. */
export const ipWhiteListMiddleware = createAllowList('ipWhiteList');
