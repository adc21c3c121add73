/** Traefik's `normalize`: every run of characters other than letters and digits becomes one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** What a `defaultRule` template sees: the service name and its labels (tags as labels, or registry metadata). */
export interface RuleData {
  Name: string;
  Labels: Record<string, string>;
}

type Value = string | Record<string, string>;

// The Go template and sprig functions that make sense in a rule; each takes its piped value last, as Go does.
const FUNCTIONS: Record<string, { arity: number; call: (...args: Value[]) => Value }> = {
  normalize: { arity: 1, call: (s) => normalizeName(text(s)) },
  lower: { arity: 1, call: (s) => text(s).toLowerCase() },
  upper: { arity: 1, call: (s) => text(s).toUpperCase() },
  trim: { arity: 1, call: (s) => text(s).trim() },
  trimPrefix: { arity: 2, call: (p, s) => (text(s).startsWith(text(p)) ? text(s).slice(text(p).length) : text(s)) },
  trimSuffix: { arity: 2, call: (p, s) => (text(p) && text(s).endsWith(text(p)) ? text(s).slice(0, -text(p).length) : text(s)) },
  replace: { arity: 3, call: (from, to, s) => text(s).split(text(from)).join(text(to)) },
  default: { arity: 2, call: (fallback, s) => (text(s) === '' ? fallback : s) },
  index: { arity: 2, call: (map, key) => (typeof map === 'object' ? (map[text(key)] ?? '') : fail('index needs a map such as .Labels')) },
};

function text(value: Value): string {
  return typeof value === 'string' ? value : fail('a map such as .Labels cannot be printed; use index .Labels "key"');
}

function fail(message: string): never {
  throw new Error(message);
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const TOKEN = /\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\.[A-Za-z0-9_.]*)|([A-Za-z][A-Za-z0-9]*)|(\|)|(\S))/y;

/** Splits an action into its pipeline stages, each a list of terms (a literal string, a field path or a function name). */
function stages(action: string): Array<Array<{ kind: 'string' | 'field' | 'name'; value: string }>> {
  const out: Array<Array<{ kind: 'string' | 'field' | 'name'; value: string }>> = [[]];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < action.length) {
    const m = TOKEN.exec(action);
    if (!m) break;
    if (m[1] !== undefined) out.at(-1)!.push({ kind: 'string', value: JSON.parse(`"${m[1]}"`) as string });
    else if (m[2] !== undefined) out.at(-1)!.push({ kind: 'string', value: m[2] });
    else if (m[3] !== undefined) out.at(-1)!.push({ kind: 'field', value: m[3] });
    else if (m[4] !== undefined) out.at(-1)!.push({ kind: 'name', value: m[4] });
    else if (m[5] !== undefined) out.push([]);
    else if (m[6] !== undefined && m[6].trim()) fail(`unexpected "${m[6]}"`);
  }
  return out;
}

function field(path: string, data: RuleData): Value {
  const [, first, ...rest] = path.split('.');
  if (first === 'Name' && rest.length === 0) return data.Name;
  if (first === 'Labels') return rest.length === 0 ? data.Labels : (data.Labels[rest.join('.')] ?? '');
  return fail(`unknown field ${path} (the data has .Name and .Labels)`);
}

function evaluate(action: string, data: RuleData): string {
  let piped: Value | undefined;
  for (const stage of stages(action)) {
    const [head, ...rest] = stage;
    if (!head) fail('empty pipeline stage');
    const args = rest.map((term) => (term.kind === 'string' ? term.value : term.kind === 'field' ? field(term.value, data) : fail(`"${term.value}" must be a function at the start of a stage`)));
    if (head.kind !== 'name') {
      if (rest.length > 0 || piped !== undefined) fail('a value cannot take arguments');
      piped = head.kind === 'string' ? head.value : field(head.value, data);
      continue;
    }
    const fn = FUNCTIONS[head.value] ?? fail(`unknown function "${head.value}" (known: ${Object.keys(FUNCTIONS).join(', ')})`);
    const all = piped === undefined ? args : [...args, piped];
    if (all.length !== fn.arity) fail(`${head.value} takes ${fn.arity} argument${fn.arity > 1 ? 's' : ''}, got ${all.length}`);
    piped = fn.call(...all);
  }
  return text(piped ?? '');
}

/**
 * Renders a `defaultRule`. Traefik evaluates a Go template with sprig; Switchyard evaluates the part of
 * that language rules use — `.Name`, `.Labels.key`, string literals, pipelines and the functions above —
 * and throws an Error naming the action it cannot evaluate.
 */
export function renderDefaultRule(template: string, data: RuleData | string): string {
  const values = typeof data === 'string' ? { Name: data, Labels: {} } : data;
  return template.replace(ACTION, (whole, action: string) => {
    try {
      return evaluate(action, values);
    } catch (error) {
      throw new Error(`defaultRule: the template action ${whole} cannot be evaluated: ${(error as Error).message}`);
    }
  });
}
