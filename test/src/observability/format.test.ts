import t from 'tap';
import { clfTime, formatCommon, formatGenericCLF, formatJson } from '../../../src/observability/access-log/format.js';

const entry = {
  StartUTC: '2026-10-10T13:55:36.123456789Z',
  ClientHost: '192.0.2.1',
  RequestMethod: 'GET',
  RequestPath: '/a?b=c',
  RequestProtocol: 'HTTP/1.1',
  DownstreamStatus: 200,
  DownstreamContentSize: 42,
  RequestCount: 7,
  RouterName: 'app@file',
  ServiceURL: 'http://10.0.0.1:80',
  Duration: 12_345_678,
};

t.test('common lines follow Traefik CLF', async (t) => {
  const cases: Array<[string, Record<string, string | number>, { referer?: string; userAgent?: string }, string]> = [
    [
      'a complete entry',
      entry,
      { referer: 'http://r/', userAgent: 'ua/1' },
      '192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a?b=c HTTP/1.1" 200 42 "http://r/" "ua/1" 7 "app@file" "http://10.0.0.1:80" 12ms\n',
    ],
    [
      'missing values are dashes, quoted where the field is quoted',
      { ...entry, RouterName: '', ServiceURL: '' },
      {},
      '192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a?b=c HTTP/1.1" 200 42 "-" "-" 7 "-" "-" 12ms\n',
    ],
  ];
  for (const [name, e, extra, line] of cases) t.equal(formatCommon(e, extra), line, name);
});

t.test('generic CLF ends after the user agent', async (t) => {
  t.equal(formatGenericCLF(entry, { userAgent: 'ua/1' }), '192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a?b=c HTTP/1.1" 200 42 "-" "ua/1"\n');
});

t.test('the CLF time falls back to local time when StartUTC is dropped', async (t) => {
  const { StartUTC: _dropped, ...rest } = entry;
  t.match(clfTime({ ...rest, StartLocal: '2026-10-10T13:55:36.123456789Z' }), /^\d{2}\/Oct\/2026:\d{2}:\d{2}:36 [+-]\d{4}$/);
  t.equal(clfTime({}), '-');
});

t.test('json lines have sorted keys and logrus fields', async (t) => {
  const parsed = JSON.parse(formatJson(entry, {})) as Record<string, unknown>;
  t.same(Object.keys(parsed), Object.keys(parsed).sort());
  t.match(parsed, { level: 'info', msg: '', Duration: 12_345_678, RouterName: 'app@file' });
  t.match(parsed.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
});
