#!/usr/bin/env node
// Entry point of the `switchyard` command; no build step is needed. Node runs the TypeScript sources
// itself where it can strip types (22.18 and later, see ts-hooks.js); an older Node gets tsx instead.
await import('./typescript.js');

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
