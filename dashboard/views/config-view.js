// Renders an element's configuration (any JSON) as nested definition lists, so options read like a form.

import { h } from '../dom.js';

/** Draws a configuration value: objects as definition lists, arrays as lists, scalars as code. */
export function renderConfig(value) {
  if (value === undefined || value === null) return h('p', { class: 'muted' }, 'Defaults.');
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('ul', { class: 'config-list' }, value.map((item) => h('li', {}, renderConfig(item))));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return h('span', { class: 'muted' }, 'defaults');
    return h('dl', { class: 'config' }, entries.map(([key, v]) => [h('dt', {}, key), h('dd', {}, renderConfig(v))]));
  }
  return h('code', {}, String(value));
}
