import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

/** A compiled selector: true when the object matches. */
export type Matcher = (obj: KubeObject) => boolean;

type Op = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

// Splits on commas that are not inside `in (a,b)` parentheses.
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string): Requirement {
  let m = /^!\s*([\w./-]+)$/.exec(text);
  if (m) return { key: m[1]!, op: '!exists', values: [] };
  m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (m) return { key: m[1]!, op: m[2] as Op, values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '') };
  m = /^([\w./-]+)\s*(==|=|!=|>|<)\s*([\w./-]*)$/.exec(text);
  if (m) {
    const op = m[2] === '==' ? '=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as Op);
    return { key: m[1]!, op, values: [m[3]!] };
  }
  m = /^([\w./-]+)$/.exec(text);
  if (m) return { key: m[1]!, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

function test(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
    case 'in':
      return has && req.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !req.values.includes(value!);
    case 'gt':
      return has && Number(value) > Number(req.values[0]);
    case 'lt':
      return has && Number(value) < Number(req.values[0]);
  }
}

/** Compiles a `labelSelector` query (equality, inequality, set-based and existence requirements). */
export function labelMatcher(selector: string | null | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (obj) => reqs.every((r) => test(r, obj.metadata.labels ?? {}));
}

// Field labels every resource supports, plus the per-kind extras the apiserver registers.
const fieldGetters: Record<string, (obj: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};
const kindFields: Record<string, Record<string, (obj: KubeObject) => string | undefined>> = {
  Secret: { type: (o) => o.type as string | undefined },
  Service: { 'spec.clusterIP': (o) => (o.spec as { clusterIP?: string } | undefined)?.clusterIP },
  Node: { 'spec.unschedulable': (o) => String(Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable)) },
};

/** Compiles a `fieldSelector` (`=`, `==`, `!=` on the field labels the kind supports); unknown labels are a 400. */
export function fieldMatcher(selector: string | null | undefined, kind: string): Matcher {
  if (!selector) return () => true;
  const reqs = splitTopLevel(selector).map((text) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${text}'`);
    const getter = fieldGetters[m[1]!] ?? kindFields[kind]?.[m[1]!];
    if (!getter) throw badRequest(`field label not supported: ${m[1]}`);
    return { getter, negate: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (r.getter(obj) === r.value) !== r.negate);
}
