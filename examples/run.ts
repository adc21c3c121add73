import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { startDemoBackend } from './demo-backend.js';
import { main } from '../src/cli.js';

// Runs an example: `node --import ./bin/ts-hooks.js examples/run.ts <name> [--flags]` starts the demo backends the
// examples point at (:8001 and :8002) and then the gateway on examples/<name>/switchyard.yaml.
const [name = 'quickstart', ...flags] = process.argv.slice(2);
const config = path.join(path.dirname(fileURLToPath(import.meta.url)), name, 'switchyard.yaml');
if (!existsSync(config)) {
  console.error(`no example "${name}" (expected ${path.relative(process.cwd(), config)})`);
  process.exit(1);
}
const backends = await Promise.all([startDemoBackend('demo-1', 8001), startDemoBackend('demo-2', 8002)]);
console.log(`demo backends on :8001 and :8002; try: curl http://localhost:8000/`);
const code = await main([`--configFile=${config}`, ...flags]);
await Promise.all(backends.map((b) => b.close()));
process.exit(code);
