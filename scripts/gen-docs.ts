import { writeFile } from 'node:fs/promises';
import { renderReference } from './config-reference.js';

// `npm run docs`: rewrites the generated configuration reference.
await writeFile(new URL('../docs/configuration/reference.md', import.meta.url), renderReference());
console.log('docs/configuration/reference.md written');
