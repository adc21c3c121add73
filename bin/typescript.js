// Makes this thread able to import the TypeScript sources: Node's own type stripping with the
// resolve hook of ts-hooks.js where Node has both (22.18 and later), tsx otherwise. Imported first by
// every entry point that is plain JavaScript: the `switchyard` command and the threads it starts.
import module from 'node:module';

if (typeof module.registerHooks === 'function' && process.features.typescript) await import('./ts-hooks.js');
else (await import('tsx/esm/api')).register();
