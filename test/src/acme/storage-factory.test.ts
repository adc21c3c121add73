import t from 'tap';
import path from 'node:path';
import { createStorage, parseStorageLocation, redact, storageIdentity } from '../../../src/acme/storage-factory.js';

const base = path.resolve('some-base');

t.test('storage settings are split into scheme, credentials, hosts, path and parameters', async (t) => {
  const cases: Array<[string, string, Record<string, unknown> | undefined]> = [
    ['a plain relative path is a file', 'acme.json', undefined],
    ['an absolute path is a file', '/data/acme.json', undefined],
    ['a Windows path is a file', 'C:\\acme\\acme.json', undefined],
    ['etcd with several endpoints and a prefix', 'etcd://10.0.0.1:2379,10.0.0.2:2379/switchyard/acme?lockTtl=10s', { scheme: 'etcd', hosts: ['10.0.0.1:2379', '10.0.0.2:2379'], path: 'switchyard/acme' }],
    ['redis with a password and a database', 'redis://:s3cret@redis:6379/2?prefix=sy', { scheme: 'redis', password: 's3cret', hosts: ['redis:6379'], path: '2' }],
    ['kubernetes with a namespace and a secret prefix', 'kubernetes://ingress/acme', { scheme: 'kubernetes', hosts: ['ingress'], path: 'acme' }],
    ['kubernetes without a namespace', 'kubernetes:///acme', { scheme: 'kubernetes', hosts: [], path: 'acme' }],
  ];
  for (const [name, setting, expected] of cases) {
    const location = parseStorageLocation(setting, base);
    if (!expected) t.equal(location, undefined, name);
    else t.match(location, expected, name);
  }
  t.equal(parseStorageLocation('redis://h:1/0?prefix=a%3Ab', base)?.params.get('prefix'), 'a:b', 'parameters are URL-decoded');
});

t.test('files share one backend per resolved path, other settings per setting', async (t) => {
  t.equal(storageIdentity('acme.json', base), path.join(base, 'acme.json'));
  t.equal(storageIdentity('./acme.json', base), storageIdentity('acme.json', base));
  t.equal(storageIdentity('redis://h:1/0', base), 'redis://h:1/0');
});

t.test('wrong settings are refused with a message naming the setting', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown scheme', 'mongodb://h/x', /unknown scheme "mongodb" \(known: etcd, etcds, kubernetes, redis, rediss, or a file path\)/],
    ['etcd without an endpoint', 'etcd:///prefix', /no etcd endpoint/],
    ['redis with two servers', 'redis://a:1,b:2/0', /exactly one Redis server/],
    ['redis with a database that is not a number', 'redis://a:1/x', /database "x" is not a number/],
    ['a bad lock duration', 'redis://a:1/0?lockTtl=soon', /invalid duration/],
    ['a Kubernetes prefix that is not a DNS label', 'kubernetes://ns/Acme_Certs', /secret prefix "Acme_Certs"/],
  ];
  for (const [name, setting, message] of cases) t.throws(() => createStorage(setting, base), message, name);
});

t.test('passwords are hidden in messages', async (t) => {
  t.equal(redact(parseStorageLocation('redis://user:pw@h:1/0', base)!), 'redis://user:***@h:1/0');
  t.equal(redact(parseStorageLocation('redis://h:1/0', base)!), 'redis://h:1/0');
  t.throws(() => createStorage('redis://:pw@h:1/x', base), { message: /^storage "redis:\/\/:\*\*\*@h:1\/x"/ });
});
