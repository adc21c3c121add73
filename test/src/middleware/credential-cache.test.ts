import t from 'tap';
import { CredentialCache } from '../../../middlewares/auth/credential-cache.js';

// Counting the verifications is what Traefik #7897 is about: bcrypt must not run on every request.
function counter(user: string | undefined): { verify: () => Promise<string | undefined>; calls: () => number } {
  let calls = 0;
  return {
    verify: async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
      return user;
    },
    calls: () => calls,
  };
}

t.test('a credential is verified once per TTL, however many requests carry it', async (t) => {
  const cases: Array<{ name: string; run: (cache: CredentialCache) => Promise<number>; verifications: number }> = [
    {
      name: 'ten requests in a row verify once',
      run: async (cache) => {
        const c = counter('sam');
        for (let i = 0; i < 10; i++) t.equal(await cache.lookup('Basic c2FtOnB3', c.verify), 'sam');
        return c.calls();
      },
      verifications: 1,
    },
    {
      name: 'ten concurrent requests share one verification',
      run: async (cache) => {
        const c = counter('sam');
        const users = await Promise.all(Array.from({ length: 10 }, () => cache.lookup('Basic c2FtOnB3', c.verify)));
        t.same(new Set(users), new Set(['sam']));
        return c.calls();
      },
      verifications: 1,
    },
    {
      name: 'a refused credential is not remembered, so each attempt is verified',
      run: async (cache) => {
        const c = counter(undefined);
        for (let i = 0; i < 3; i++) t.equal(await cache.lookup('Basic c2FtOndyb25n', c.verify), undefined);
        return c.calls();
      },
      verifications: 3,
    },
    {
      name: 'another credential of the same user is verified on its own',
      run: async (cache) => {
        const c = counter('sam');
        await cache.lookup('Basic c2FtOnB3', c.verify);
        await cache.lookup('Basic c2FtOm90aGVy', c.verify);
        return c.calls();
      },
      verifications: 2,
    },
  ];
  for (const c of cases) t.equal(await c.run(new CredentialCache(60_000, 100)), c.verifications, c.name);
});

t.test('an expired entry is verified again, and the oldest entry makes room for a new one', async (t) => {
  const expiring = new CredentialCache(1, 100);
  const c = counter('sam');
  await expiring.lookup('Basic a', c.verify);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await expiring.lookup('Basic a', c.verify);
  t.equal(c.calls(), 2, 'after the TTL the credential is verified again');

  const small = new CredentialCache(60_000, 2);
  const d = counter('sam');
  for (const credential of ['Basic 1', 'Basic 2', 'Basic 3']) await small.lookup(credential, d.verify);
  t.equal(small.size, 2, 'the cache holds at most maxEntries');
  await small.lookup('Basic 3', d.verify);
  t.equal(d.calls(), 3, 'the newest entries stay cached');
  await small.lookup('Basic 1', d.verify);
  t.equal(d.calls(), 4, 'the oldest was dropped');
});
