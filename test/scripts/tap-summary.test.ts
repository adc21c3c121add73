// The end of `npm test`'s output is what CI reads: the last line must be "N passed, N failed", the count
// must not hide a crash, and a failure's details must be in the lines CI keeps.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.resolve(import.meta.dirname, '../../scripts/tap-summary.sh');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tap-summary-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function summarize(log: string, status: number, extra?: number): { lines: string[]; code: number | null } {
  const file = path.join(dir, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, log);
  const run = spawnSync('bash', [script, file, String(status), ...(extra === undefined ? [] : [String(extra)])], { encoding: 'utf8' });
  return { lines: run.stdout.trimEnd().split('\n'), code: run.status };
}

const FAILED_LOG = [
  'ok 1 - test/a.test.ts # time=10ms',
  '# Subtest: test/b.test.ts',
  '    not ok 2 - the body arrives whole',
  '      ---',
  '      found: 12',
  '      wanted: 13',
  '      ...',
  'not ok 2 - test/b.test.ts # time=20ms',
  '# { total: 9, pass: 7, fail: 2 }',
].join('\n');

const cases: Array<{ name: string; log: string; status: number; extra?: number; last: string; skipped: string; code: number; shows?: string[] }> = [
  { name: 'all passed', log: 'ok 1 - x\n# { total: 3, pass: 3 }\n', status: 0, last: '3 passed, 0 failed', skipped: '0 skipped', code: 0 },
  { name: 'skips and todos are counted, not hidden', log: '# { total: 6, pass: 3, skip: 2, todo: 1 }\n', status: 0, last: '3 passed, 0 failed', skipped: '3 skipped', code: 0 },
  { name: 'failures are counted and shown with what they found', log: FAILED_LOG, status: 1, last: '7 passed, 2 failed', skipped: '0 skipped', code: 1, shows: ['failures:', 'not ok 2 - the body arrives whole', 'found: 12', 'not ok 2 - test/b.test.ts'] },
  { name: 'a failed type check adds a failure', log: '# { total: 3, pass: 3 }\n', status: 0, extra: 1, last: '3 passed, 1 failed', skipped: '0 skipped', code: 1 },
  { name: 'tap failing without a count is a failure', log: 'Error: cannot find module\n', status: 1, last: '0 passed, 1 failed', skipped: '0 skipped', code: 1 },
  { name: 'the last of several summaries counts', log: '# { total: 1, pass: 1 }\n# { total: 5, pass: 4, fail: 1 }\n', status: 1, last: '4 passed, 1 failed', skipped: '0 skipped', code: 1 },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { lines, code } = summarize(c.log, c.status, c.extra);
    t.equal(lines.at(-1), c.last, 'the last line is the count CI reads');
    t.equal(lines.at(-2), c.skipped);
    t.equal(code, c.code);
    for (const text of c.shows ?? []) t.ok(lines.some((line) => line.includes(text)), `shows ${text}`);
    t.equal(lines.includes('failures:'), c.code !== 0, 'a failure block exactly when something failed');
  });
}
