import type { StaticConfig } from '../config/static-types.js';
import type { Logger } from '../log.js';
import { defaultEntryPoints, type EntryPointView } from '../runtime/entry-point-view.js';
import { generateDefaultCertificate } from './default-certificate.js';
import { TlsManager } from './tls-manager.js';
import type { EntryPointTls } from './tls-plan.js';

/** Creates the gateway's TLS manager (generating the fallback certificate) and lists the `http.tls` entry points. */
export async function createTlsManager(config: StaticConfig, views: EntryPointView[], baseDir: string, log: Logger): Promise<{ manager: TlsManager; entryPoints: ReadonlySet<string> }> {
  const entryPointTls = new Map<string, EntryPointTls>();
  for (const ep of Object.values(config.entryPoints)) if (ep.http?.tls) entryPointTls.set(ep.name, ep.http.tls);
  const generated = await generateDefaultCertificate();
  if (!generated) log.warn('the openssl command is unavailable: no default certificate was generated; handshakes for unknown names fail');
  const manager = new TlsManager({ baseDir, log, entryPointTls, defaultEntryPoints: defaultEntryPoints(views) }, generated);
  return { manager, entryPoints: new Set(entryPointTls.keys()) };
}
