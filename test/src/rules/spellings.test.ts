import t from 'tap';
import { canonicalHost, compileRule, type MatchRequest } from '../../../src/rules/compile.js';

// Traefik v3 registers every matcher under four spellings (as written, lower, UPPER, first letter upper
// of the lower form); any other spelling is an unknown matcher, never a silent non-match.
const request: MatchRequest = {
  method: 'GET',
  host: canonicalHost('app.test'),
  path: '/api/x',
  query: 'q=1',
  headers: { 'x-a': '1' },
  clientIp: '10.0.0.7',
};

const matchers: Array<[string, string]> = [
  ['Host', '`app.test`'],
  ['HostRegexp', '`^app\\.`'],
  ['Path', '`/api/x`'],
  ['PathPrefix', '`/api`'],
  ['PathRegexp', '`^/api/`'],
  ['Method', '`GET`'],
  ['Header', '`X-A`, `1`'],
  ['HeaderRegexp', '`X-A`, `^1$`'],
  ['Query', '`q`, `1`'],
  ['QueryRegexp', '`q`, `^1$`'],
  ['ClientIP', '`10.0.0.0/8`'],
];

const spellings = (name: string): string[] => {
  const lower = name.toLowerCase();
  return [name, lower, name.toUpperCase(), lower[0]!.toUpperCase() + lower.slice(1)];
};

for (const [name, args] of matchers) {
  for (const spelling of new Set(spellings(name))) {
    t.test(`${spelling}(${args}) is ${name} and matches`, async (t) => {
      t.equal(compileRule(`${spelling}(${args})`).match(request), true);
    });
  }
  // Swap the case of the second letter: a spelling Traefik does not register.
  const odd = name[0] + (name[1] === name[1]!.toLowerCase() ? name[1]!.toUpperCase() : name[1]!.toLowerCase()) + name.slice(2);
  t.test(`${odd}(${args}) is rejected as an unknown matcher`, async (t) => {
    t.throws(() => compileRule(`${odd}(${args})`), { message: new RegExp(`unknown matcher "${odd}"`) });
  });
}
