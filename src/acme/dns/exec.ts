import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dnsRecord, envSeconds, requireEnv, type DnsProvider, type DnsProviderFactory } from './provider.js';

const run = promisify(execFile);

/**
 * `exec`: runs `$EXEC_PATH present|cleanup <fqdn> <value>` (lego's contract), or with `EXEC_MODE=RAW`
 * `$EXEC_PATH present|cleanup <domain> <token> <keyAuth>`. A non-zero exit fails the order.
 */
export const execDnsProvider: DnsProviderFactory = (env) => {
  const command = requireEnv(env, 'EXEC_PATH', 'exec');
  const raw = env.EXEC_MODE === 'RAW';
  const timeout = envSeconds(env, 'EXEC_SEQUENCE_INTERVAL') ?? 60_000;
  const call = async (action: string, domain: string, token: string, keyAuth: string) => {
    const { fqdn, value } = dnsRecord(domain, keyAuth);
    const args = raw ? [action, domain, token, keyAuth] : [action, fqdn, value];
    await run(command, args, { timeout, env });
  };
  const provider: DnsProvider = {
    present: (domain, token, keyAuth) => call('present', domain, token, keyAuth),
    cleanup: (domain, token, keyAuth) => call('cleanup', domain, token, keyAuth),
  };
  const propagation = envSeconds(env, 'EXEC_PROPAGATION_TIMEOUT');
  if (propagation !== undefined) provider.propagationTimeout = propagation;
  return provider;
};
