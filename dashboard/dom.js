// Small DOM helpers: every piece of API data reaches the page as text nodes or attributes, never as HTML.

/**
 * Creates an element: `h('a', { href, class: 'x', onclick }, 'text', child)`.
 * Attributes starting with `on` become listeners; `null`, `undefined` and `false` children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through the CSSOM, which the dashboard's Content-Security-Policy allows, unlike a style attribute.
    else if (key === 'style') el.style.cssText = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends strings, numbers, nodes and (nested) arrays of them to a parent. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** A status badge with an icon and its word, so status is never told by colour alone. */
export function statusBadge(status) {
  const word = status || 'unknown';
  const icon = { enabled: '✓', UP: '✓', warning: '!', disabled: '✕', DOWN: '✕', expired: '✕' }[word] ?? '?';
  return h('span', { class: `badge badge-${word.toLowerCase()}` }, h('span', { 'aria-hidden': 'true' }, icon), ` ${word}`);
}

/** A list of error strings, shown next to the element they belong to. */
export function errorList(errors) {
  if (!errors || errors.length === 0) return null;
  return h('ul', { class: 'errors', role: 'list', 'aria-label': 'Errors' }, errors.map((e) => h('li', {}, String(e))));
}

/** A hash link to an element's detail page; names are encoded because they contain `@` and may contain `/`. */
export function detailLink(kind, name, label = name) {
  return h('a', { href: `#/${kind}/${encodeURIComponent(name)}` }, label);
}

/** Formats a number of requests per second for humans. */
export function formatRate(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (value === 0) return '0';
  if (value < 0.1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  return Math.round(value).toLocaleString('en');
}

/** Formats a 0..1 fraction as a percentage, or a dash when there was no traffic. */
export function formatPercent(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(value > 0 && value < 0.1 ? 1 : 0)}%`;
}
