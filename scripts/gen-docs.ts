import { writeFile } from 'node:fs/promises';
import { renderReference } from './config-reference.js';
import { renderErrors } from './errors-reference.js';
import { renderMiddlewaresIndex } from './middlewares-index.js';

// `npm run docs`: rewrites the generated documentation pages.
await writeFile(new URL('../docs/configuration/reference.md', import.meta.url), renderReference());
await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrors());
await writeFile(new URL('../docs/middlewares.md', import.meta.url), renderMiddlewaresIndex(new URL('../docs/', import.meta.url)));
console.log('docs/configuration/reference.md, docs/errors.md and docs/middlewares.md written');
