/** A compiled `constraints` expression: true when an element with these tags is kept. */
export type TagPredicate = (tags: string[]) => boolean;

type Token = { kind: 'op'; value: '&&' | '||' | '!' | '(' | ')' | ',' } | { kind: 'name'; value: string } | { kind: 'string'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const c = text[at]!;
    if (/\s/.test(c)) {
      at += 1;
    } else if (text.startsWith('&&', at) || text.startsWith('||', at)) {
      tokens.push({ kind: 'op', value: text.slice(at, at + 2) as '&&' | '||' });
      at += 2;
    } else if ('!(),'.includes(c)) {
      tokens.push({ kind: 'op', value: c as '!' | '(' | ')' | ',' });
      at += 1;
    } else if (c === '`' || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end === -1) throw new Error(`unterminated string at column ${at + 1}`);
      tokens.push({ kind: 'string', value: text.slice(at + 1, end) });
      at = end + 1;
    } else {
      const match = /^[A-Za-z]+/.exec(text.slice(at));
      if (!match) throw new Error(`unexpected "${c}" at column ${at + 1}`);
      tokens.push({ kind: 'name', value: match[0] });
      at += match[0].length;
    }
  }
  return tokens;
}

/**
 * Compiles Traefik's tag constraints: ``Tag(`a=b`)`` (some tag equals the text), ``TagRegex(`re`)``
 * (some tag matches the regular expression anywhere, as Go's MatchString does), combined with `&&`,
 * `||`, `!` and parentheses. Throws an Error naming the problem.
 */
export function compileConstraints(expression: string): TagPredicate {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (value: string): void => {
    const token = tokens[at];
    if (!token || token.kind !== 'op' || token.value !== value) throw new Error(`expected "${value}" in constraints "${expression}"`);
    at += 1;
  };
  const or = (): TagPredicate => {
    let left = and();
    while (peek()?.kind === 'op' && peek()!.value === '||') {
      at += 1;
      const a = left;
      const b = and();
      left = (tags) => a(tags) || b(tags);
    }
    return left;
  };
  const and = (): TagPredicate => {
    let left = not();
    while (peek()?.kind === 'op' && peek()!.value === '&&') {
      at += 1;
      const a = left;
      const b = not();
      left = (tags) => a(tags) && b(tags);
    }
    return left;
  };
  const not = (): TagPredicate => {
    const token = peek();
    if (token?.kind === 'op' && token.value === '!') {
      at += 1;
      const inner = not();
      return (tags) => !inner(tags);
    }
    if (token?.kind === 'op' && token.value === '(') {
      at += 1;
      const inner = or();
      take(')');
      return inner;
    }
    return matcher();
  };
  const matcher = (): TagPredicate => {
    const token = tokens[at++];
    if (!token || token.kind !== 'name') throw new Error(`expected Tag or TagRegex in constraints "${expression}"`);
    take('(');
    const argument = tokens[at++];
    if (!argument || argument.kind !== 'string') throw new Error(`${token.value} takes one quoted string in constraints "${expression}"`);
    take(')');
    if (token.value === 'Tag') return (tags) => tags.includes(argument.value);
    if (token.value === 'TagRegex') {
      let re: RegExp;
      try {
        re = new RegExp(argument.value);
      } catch (error) {
        throw new Error(`TagRegex: ${(error as Error).message}`);
      }
      return (tags) => tags.some((tag) => re.test(tag));
    }
    throw new Error(`unknown matcher "${token.value}" in constraints "${expression}" (use Tag or TagRegex)`);
  };
  if (tokens.length === 0) return () => true;
  const predicate = or();
  if (at !== tokens.length) throw new Error(`unexpected input after position ${at} in constraints "${expression}"`);
  return predicate;
}
