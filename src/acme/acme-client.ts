import https from 'node:https';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import path from 'node:path';
import type * as acme from 'acme-client';
import { loadAcmeClient } from '../lazy-modules.js';
import type { AcmeKeyType } from './resolver-config.js';

const trusted = new Set<string>();

/**
 * Trusts extra CAs for ACME servers. acme-client uses one shared axios instance, so the agent
 * trusts the union of every resolver's `caCertificates`, Node's roots and NODE_EXTRA_CA_CERTS
 * (which Node drops as soon as a `ca` option is given).
 */
export function trustAcmeCas(caCertificates: string[], baseDir: string): void {
  for (const entry of caCertificates) trusted.add(entry.includes('-----BEGIN') ? entry : readFileSync(path.resolve(baseDir, entry), 'utf8'));
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  const extra = extraFile ? [readFileSync(extraFile, 'utf8')] : [];
  loadAcmeClient().axios.defaults.httpsAgent = new https.Agent({ ca: [...rootCertificates, ...extra, ...trusted], keepAlive: false });
}

/** Bounds each request to a CA; acme-client shares one axios instance, so the longest resolver setting applies to all. */
export function limitAcmeRequestTime(ms: number): void {
  const { axios } = loadAcmeClient();
  const current = axios.defaults.timeout ?? 0;
  if (ms > current) axios.defaults.timeout = ms;
}

/** An acme-client Client for a directory; retries quickly (the CA answers in milliseconds when it can). */
export function acmeClient(options: { directoryUrl: string; accountKey: string; accountUrl?: string; eab?: { kid: string; hmacEncoded: string } }): acme.Client {
  return new (loadAcmeClient().Client)({
    directoryUrl: options.directoryUrl,
    accountKey: options.accountKey,
    ...(options.accountUrl && { accountUrl: options.accountUrl }),
    ...(options.eab && { externalAccountBinding: { kid: options.eab.kid, hmacKey: options.eab.hmacEncoded } }),
    backoffMin: 200,
    backoffMax: 5000,
    backoffAttempts: 10,
  });
}

/** A new private key (PEM) of the resolver's key type. */
export async function createKey(keyType: AcmeKeyType): Promise<string> {
  switch (keyType) {
    case 'EC256':
      return (await loadAcmeClient().crypto.createPrivateEcdsaKey('P-256')).toString();
    case 'EC384':
      return (await loadAcmeClient().crypto.createPrivateEcdsaKey('P-384')).toString();
    default:
      return (await loadAcmeClient().crypto.createPrivateRsaKey(Number(keyType.slice(3)))).toString();
  }
}
