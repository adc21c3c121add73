import type * as acme from 'acme-client';
import { acmeClient, createKey } from './acme-client.js';
import type { AcmeResolverConfig } from './resolver-config.js';
import type { StorageBackend } from './storage.js';

/**
 * The resolver's ACME client with its account: the stored one when it belongs to the same CA and
 * e-mail, else a new registration saved before use. Taken under a lock so replicas register once.
 */
export async function accountClient(config: AcmeResolverConfig, storage: StorageBackend): Promise<acme.Client> {
  const unlock = await storage.lock(`account:${config.name}`);
  try {
    const stored = (await storage.read(config.name)).account;
    if (stored && stored.caServer === config.caServer && stored.email === config.email && stored.url) {
      return acmeClient({ directoryUrl: config.caServer, accountKey: stored.privateKey, accountUrl: stored.url });
    }
    // Account keys are EC P-256 whatever the certificate key type: fast, and accepted by every CA.
    const privateKey = await createKey('EC256');
    const client = acmeClient({ directoryUrl: config.caServer, accountKey: privateKey, ...(config.eab && { eab: config.eab }) });
    await client.createAccount({ termsOfServiceAgreed: true, ...(config.email && { contact: [`mailto:${config.email}`] }) });
    const url = client.getAccountUrl();
    await storage.update(config.name, (data) => ({ ...data, account: { email: config.email, url, privateKey, caServer: config.caServer } }));
    return client;
  } finally {
    await unlock();
  }
}
