/**
 * A small predicate language shared by circuitBreaker's `expression` and buffering's `retryExpression`:
 * function calls with numeric arguments, numbers, `> >= < <= == !=`, `&&`, `||` and parentheses.
 * Types are checked while parsing, so a configuration error is reported before any request.
 */

/** A value an expression computes from the environment `E`. */
type Eval<E, T> = (env: E) => T;

/** A function the language offers: its arity, result type, and a factory from its arguments. */
export interface ExpressionFunction<E> {
  args: number;
  returns: 'number' | 'boolean';
  /** Builds the evaluator; throws an Error to reject an argument (e.g. a quantile over 100). */
  make(args: number[]): Eval<E, number | boolean>;
}

interface Typed<E> {
  type: 'number' | 'boolean';
  run: Eval<E, number | boolean>;
}

interface Token {
  kind: 'num' | 'ident' | 'op' | '(' | ')' | ',' | 'end';
  text: string;
  pos: number;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||>=|<=|==|!=|>|<)|([(),]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(source);
    if (!m) {
      const pos = at + (source.slice(at).length - source.slice(at).trimStart().length);
      throw new Error(`unexpected character "${source[pos]}" at position ${pos + 1}`);
    }
    const text = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    const pos = TOKEN.lastIndex - text.length;
    const kind = m[1] !== undefined ? 'num' : m[2] !== undefined ? 'ident' : m[3] !== undefined ? 'op' : (text as Token['kind']);
    tokens.push({ kind, text, pos });
    at = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', text: 'end of expression', pos: source.length });
  return tokens;
}

/** Parses `source` into a boolean predicate; throws `... at position N` (1-based) on any error. */
export function compileExpression<E>(source: string, functions: Record<string, ExpressionFunction<E>>): (env: E) => boolean {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const fail = (token: Token, message: string): never => {
    throw new Error(`${message} at position ${token.pos + 1}`);
  };
  const expect = (kind: Token['kind']): Token => {
    const token = peek();
    if (token.kind !== kind) fail(token, `expected "${kind}" but found "${token.text}"`);
    i++;
    return token;
  };
  const asBoolean = (node: Typed<E>, token: Token): Eval<E, boolean> => {
    if (node.type !== 'boolean') fail(token, 'expected a condition (a comparison or a boolean function)');
    return node.run as Eval<E, boolean>;
  };

  const primary = (): Typed<E> => {
    const token = peek();
    if (token.kind === '(') {
      i++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.kind === 'num') {
      i++;
      const value = Number(token.text);
      return { type: 'number', run: () => value };
    }
    if (token.kind === 'ident') {
      i++;
      const fn = Object.hasOwn(functions, token.text) ? functions[token.text] : undefined;
      if (!fn) fail(token, `unknown function "${token.text}" (known: ${Object.keys(functions).join(', ')})`);
      expect('(');
      const args: number[] = [];
      while (peek().kind !== ')') {
        if (args.length > 0) expect(',');
        args.push(Number(expect('num').text));
      }
      expect(')');
      if (args.length !== fn!.args) fail(token, `${token.text}() takes ${fn!.args} argument(s), got ${args.length}`);
      try {
        return { type: fn!.returns, run: fn!.make(args) };
      } catch (error) {
        return fail(token, `${token.text}(): ${(error as Error).message}`);
      }
    }
    return fail(token, `unexpected "${token.text}"`);
  };

  const comparison = (): Typed<E> => {
    const start = peek();
    const left = primary();
    const op = peek();
    if (op.kind !== 'op' || op.text === '&&' || op.text === '||') return left;
    i++;
    const rightToken = peek();
    const right = primary();
    if (left.type !== 'number') fail(start, `"${op.text}" needs a number on its left`);
    if (right.type !== 'number') fail(rightToken, `"${op.text}" needs a number on its right`);
    const a = left.run as Eval<E, number>;
    const b = right.run as Eval<E, number>;
    const compare: Record<string, Eval<E, boolean>> = {
      '>': (e) => a(e) > b(e),
      '>=': (e) => a(e) >= b(e),
      '<': (e) => a(e) < b(e),
      '<=': (e) => a(e) <= b(e),
      '==': (e) => a(e) === b(e),
      '!=': (e) => a(e) !== b(e),
    };
    return { type: 'boolean', run: compare[op.text]! };
  };

  const and = (): Typed<E> => {
    const first = peek();
    let node = comparison();
    while (peek().kind === 'op' && peek().text === '&&') {
      const left = asBoolean(node, first);
      i++;
      const token = peek();
      const right = asBoolean(comparison(), token);
      node = { type: 'boolean', run: (e) => left(e) && right(e) };
    }
    return node;
  };

  function or(): Typed<E> {
    const first = peek();
    let node = and();
    while (peek().kind === 'op' && peek().text === '||') {
      const left = asBoolean(node, first);
      i++;
      const token = peek();
      const right = asBoolean(and(), token);
      node = { type: 'boolean', run: (e) => left(e) || right(e) };
    }
    return node;
  }

  if (peek().kind === 'end') fail(peek(), 'empty expression');
  const root = or();
  if (peek().kind !== 'end') fail(peek(), `unexpected "${peek().text}"`);
  return asBoolean(root, tokens[0]!);
}
