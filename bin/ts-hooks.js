// Lets Node run the TypeScript sources as they are, with its own type stripping (the sources use only
// erasable syntax: tsconfig's erasableSyntaxOnly). The sources import each other as `./x.js`, as
// TypeScript's NodeNext resolution wants; this hook maps such a relative import from a .ts file to the
// .ts file beside it when no .js file exists. Compared with a transpiling loader, nothing is rewritten,
// so line numbers are the source's, start-up is faster and no function carries a re-defined `name`
// (which costs every closure a dictionary of properties: about 30 MB more heap at 10,000 routers).
// Use: `node --import ./bin/ts-hooks.js file.ts`, or import it first from a .js entry point.
import module from 'node:module';

const RELATIVE_JS = /^\.\.?\/.*\.js$/;
const TS_PARENT = /\.[cm]?ts$/;

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !RELATIVE_JS.test(specifier) || !TS_PARENT.test(context.parentURL ?? '')) throw error;
      try {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      } catch {
        // Neither exists: the error names the module as it was imported.
        throw error;
      }
    }
  },
});
