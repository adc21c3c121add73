import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';

/** The example's keys from keys.txt (`<key> <value>` per line), as etcdctl put takes them. */
export async function exampleKeys(): Promise<Array<{ key: string; value: string }>> {
  const text = await readFile(new URL('./keys.txt', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return { key: line.slice(0, space), value: line.slice(space + 1) };
    });
}

/** Writes the keys in one transaction, so the gateway never sees a router without its service. */
export async function putKeys(endpoint: string, keys: Array<{ key: string; value: string }>): Promise<void> {
  const client = new Etcd3({ hosts: `http://${endpoint}` });
  try {
    // Always true (a missing key has version 0): the comparison is only there to make it a transaction.
    await client.if(keys[0]!.key, 'Version', '>', -1).then(...keys.map(({ key, value }) => client.put(key).value(value))).commit();
  } finally {
    client.close();
  }
}

// Run directly: `node --import ./bin/ts-hooks.js examples/kv-etcd/put-keys.ts [host:port]`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const endpoint = process.argv[2] ?? '127.0.0.1:2379';
  await putKeys(endpoint, await exampleKeys());
  console.log(`wrote the kv-etcd keys to etcd ${endpoint}`);
}
