import { writeFile } from 'node:fs/promises';
import { renderReference } from './config-reference.js';
import { renderErrors } from './errors-reference.js';

// `npm run docs`: rewrites the generated documentation pages.
await writeFile(new URL('../docs/configuration/reference.md', import.meta.url), renderReference());
await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrors());
console.log('docs/configuration/reference.md and docs/errors.md written');
