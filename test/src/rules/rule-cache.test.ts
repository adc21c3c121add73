import t from 'tap';
import { compileRule, rotateRuleCache } from '../../../src/rules/compile.js';

// Each step: the rules one compile uses, then a rotation; the expectation says which rules of that step
// come back as the very object compiled before (reused) rather than compiled again.
const steps: Array<[string, string[], string[]]> = [
  ['a first compile', ['Path(`/a`)', 'Path(`/b`)', 'Path(`/c`)'], []],
  ['the next uses one of them', ['Path(`/a`)'], ['Path(`/a`)']],
  // The rotation after that step dropped /b and /c: unused, and more than the one rule used.
  ['the next uses all three again', ['Path(`/a`)', 'Path(`/b`)', 'Path(`/c`)'], ['Path(`/a`)']],
  ['then two of them', ['Path(`/a`)', 'Path(`/b`)'], ['Path(`/a`)', 'Path(`/b`)']],
  // One unused rule next to two used ones is kept: /c compiled in step 3 is still there.
  ['then all three', ['Path(`/a`)', 'Path(`/b`)', 'Path(`/c`)'], ['Path(`/a`)', 'Path(`/b`)', 'Path(`/c`)']],
];

t.test('a compiled rule is reused across reloads while recent configurations use it', async (t) => {
  const seen = new Map<string, object>();
  for (const [name, rules, reused] of steps) {
    for (const rule of rules) {
      const compiled = compileRule(rule);
      t.equal(compiled === seen.get(rule), reused.includes(rule), `${name}: ${rule} ${reused.includes(rule) ? 'reused' : 'compiled'}`);
      t.equal(compileRule(rule), compiled, `${name}: ${rule} is one object within a compile`);
      seen.set(rule, compiled);
    }
    rotateRuleCache();
  }
});
