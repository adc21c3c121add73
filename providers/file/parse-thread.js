// Entry point of the file provider's parsing thread (see parse-off-thread.ts): plain JavaScript, so it
// can first make the thread able to import the TypeScript sources, whatever started the process.
await import('../../bin/typescript.js');
await import('./parse-thread-loop.ts');
