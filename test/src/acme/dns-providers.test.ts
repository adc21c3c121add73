import t from 'tap';
import http from 'node:http';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execDnsProvider } from '../../../src/acme/dns/exec.js';
import { httpreqDnsProvider } from '../../../src/acme/dns/httpreq.js';
import { dnsRecord } from '../../../src/acme/dns/provider.js';
import { dnsProviderFactory, registerDnsProvider } from '../../../src/acme/dns/registry.js';

const expected = createHash('sha256').update('tok.thumb').digest('base64url');

t.test('the DNS-01 record is _acme-challenge.<name>. with base64url(SHA-256(keyAuth)); wildcards use the base name', async (t) => {
  t.same(dnsRecord('a.test', 'tok.thumb'), { fqdn: '_acme-challenge.a.test.', value: expected });
  t.equal(dnsRecord('*.a.test', 'tok.thumb').fqdn, '_acme-challenge.a.test.');
});

t.test('httpreq posts {fqdn, value} to /present and /cleanup with basic auth; RAW mode posts the raw values', async (t) => {
  const seen: Array<{ url: string; body: unknown; auth?: string }> = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ url: req.url!, body: JSON.parse(body), ...(req.headers.authorization && { auth: req.headers.authorization }) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const provider = httpreqDnsProvider({ HTTPREQ_ENDPOINT: endpoint, HTTPREQ_USERNAME: 'u', HTTPREQ_PASSWORD: 'p' });
  await provider.present('a.test', 'tok', 'tok.thumb');
  await provider.cleanup('a.test', 'tok', 'tok.thumb');
  const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
  t.same(seen, [
    { url: '/present', body: { fqdn: '_acme-challenge.a.test.', value: expected }, auth },
    { url: '/cleanup', body: { fqdn: '_acme-challenge.a.test.', value: expected }, auth },
  ]);
  await httpreqDnsProvider({ HTTPREQ_ENDPOINT: endpoint, HTTPREQ_MODE: 'RAW' }).present('a.test', 'tok', 'tok.thumb');
  t.same(seen[2]!.body, { domain: 'a.test', token: 'tok', keyAuth: 'tok.thumb' });
  status = 500;
  await t.rejects(provider.present('a.test', 'tok', 'tok.thumb'), /answered 500/);
  t.throws(() => httpreqDnsProvider({}), /HTTPREQ_ENDPOINT/);
});

t.test('exec runs the command with present/cleanup <fqdn> <value>; a failing command fails', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-dns-exec-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'out.txt');
  const script = path.join(dir, 'hook.sh');
  await writeFile(script, `#!/bin/sh\necho "$@" >> "${out}"\n[ "$2" != "_acme-challenge.fail.test." ]\n`);
  await chmod(script, 0o755);
  const provider = execDnsProvider({ EXEC_PATH: script, PATH: process.env.PATH });
  await provider.present('a.test', 'tok', 'tok.thumb');
  await provider.cleanup('a.test', 'tok', 'tok.thumb');
  t.same((await readFile(out, 'utf8')).trim().split('\n'), [`present _acme-challenge.a.test. ${expected}`, `cleanup _acme-challenge.a.test. ${expected}`]);
  await t.rejects(provider.present('fail.test', 'tok', 'tok.thumb'));
  await execDnsProvider({ EXEC_PATH: script, EXEC_MODE: 'RAW' }).present('a.test', 'tok', 'tok.thumb');
  t.match(await readFile(out, 'utf8'), /present a\.test tok tok\.thumb/);
  t.throws(() => execDnsProvider({}), /EXEC_PATH/);
});

t.test('more providers are added by registering a factory', async (t) => {
  const calls: string[] = [];
  registerDnsProvider('memory', () => ({ present: async (d) => void calls.push(`+${d}`), cleanup: async (d) => void calls.push(`-${d}`) }));
  const provider = dnsProviderFactory('memory')!({});
  await provider.present('m.test', 't', 'k');
  await provider.cleanup('m.test', 't', 'k');
  t.same(calls, ['+m.test', '-m.test']);
});
