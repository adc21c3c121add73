// A virtualised grid: only the rows in (and just around) the viewport exist in the DOM, so 5,000 routers
// cost the same to show as 50. Rows have one fixed height, read from the CSS variable --row-h.

import { h } from './dom.js';

const OVERSCAN = 8;
// Ask for the next page this many rows before the end, so scrolling rarely waits.
const PREFETCH_ROWS = 40;

let nextListId = 0;

/**
 * Creates the grid. Options: `label` (accessible name), `header` (the header row element),
 * `renderRow(item, index)` (returns the row's cells container), `onOpen(item)` (Enter or click),
 * `onNearEnd()` (load the next page), `emptyText` (a string, or a function called when the list is empty).
 */
export function createVirtualList(options) {
  const id = `vl${nextListId++}`;
  let items = [];
  let hasMore = false;
  let loading = false;
  let active = -1;
  let rowHeight = 44;
  let frame = 0;
  const rendered = new Map();

  const spacer = h('div', { class: 'vlist-spacer' });
  const empty = h('p', { class: 'vlist-empty', hidden: true });
  const viewport = h('div', { class: 'vlist-viewport', role: 'rowgroup' }, spacer, empty);
  const grid = h(
    'div',
    { class: 'vlist', role: 'grid', tabindex: '0', 'aria-label': options.label, 'aria-rowcount': '-1', 'aria-readonly': 'true' },
    h('div', { role: 'rowgroup', class: 'vlist-head' }, options.header),
    viewport,
  );

  const measure = () => {
    const value = parseFloat(getComputedStyle(grid).getPropertyValue('--row-h'));
    if (value > 0 && value !== rowHeight) {
      rowHeight = value;
      clear();
    }
  };

  const clear = () => {
    for (const row of rendered.values()) row.remove();
    rendered.clear();
  };

  const render = () => {
    frame = 0;
    measure();
    spacer.style.height = `${items.length * rowHeight}px`;
    const top = viewport.scrollTop;
    const height = viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
    const last = Math.min(items.length - 1, Math.ceil((top + height) / rowHeight) + OVERSCAN);
    for (const [index, row] of rendered) {
      if (index < first || index > last) {
        row.remove();
        rendered.delete(index);
      }
    }
    for (let index = first; index <= last; index++) {
      let row = rendered.get(index);
      if (!row) {
        row = options.renderRow(items[index], index);
        row.id = `${id}-row-${index}`;
        row.setAttribute('role', 'row');
        row.setAttribute('aria-rowindex', String(index + 2));
        row.classList.add('vlist-row');
        row.style.transform = `translateY(${index * rowHeight}px)`;
        row.dataset.index = String(index);
        spacer.append(row);
        rendered.set(index, row);
      }
      row.classList.toggle('active', index === active);
      row.setAttribute('aria-selected', String(index === active));
    }
    empty.hidden = items.length > 0 || loading;
    empty.textContent = (typeof options.emptyText === 'function' ? options.emptyText() : options.emptyText) ?? 'Nothing to show.';
    grid.setAttribute('aria-rowcount', hasMore ? '-1' : String(items.length + 1));
    if (active >= 0 && rendered.has(active)) grid.setAttribute('aria-activedescendant', `${id}-row-${active}`);
    else grid.removeAttribute('aria-activedescendant');
    if (hasMore && !loading && last >= items.length - PREFETCH_ROWS) options.onNearEnd?.();
  };

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };

  const moveTo = (index) => {
    if (items.length === 0) return;
    active = Math.max(0, Math.min(items.length - 1, index));
    const rowTop = active * rowHeight;
    if (rowTop < viewport.scrollTop) viewport.scrollTop = rowTop;
    else if (rowTop + rowHeight > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = rowTop + rowHeight - viewport.clientHeight;
    render();
  };

  grid.addEventListener('keydown', (event) => {
    if (event.target !== grid) return;
    const page = Math.max(1, Math.floor(viewport.clientHeight / rowHeight) - 1);
    const keys = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      PageDown: () => moveTo(active + page),
      PageUp: () => moveTo(active - page),
      Home: () => moveTo(0),
      End: () => moveTo(items.length - 1),
      Enter: () => active >= 0 && options.onOpen?.(items[active]),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  grid.addEventListener('focus', () => {
    if (active < 0 && items.length > 0) moveTo(Math.floor(viewport.scrollTop / rowHeight));
  });
  viewport.addEventListener('scroll', schedule, { passive: true });
  viewport.addEventListener('click', (event) => {
    const row = event.target.closest?.('.vlist-row');
    if (!row || event.target.closest('a, button')) return;
    active = Number(row.dataset.index);
    options.onOpen?.(items[active]);
  });
  const resize = new ResizeObserver(schedule);
  resize.observe(viewport);

  return {
    element: grid,
    /** Replaces the rows (a new filter, a refresh or another page); keeps the scroll position. */
    setItems(next, state = {}) {
      items = next;
      hasMore = Boolean(state.hasMore);
      loading = Boolean(state.loading);
      if (active >= items.length) active = items.length - 1;
      clear();
      render();
    },
    /** Marks a page load as running or finished without replacing the rows. */
    setLoading(value) {
      loading = value;
      if (!value) schedule();
    },
    /** Scrolls back to the first row (after the filters change). */
    reset() {
      viewport.scrollTop = 0;
      active = -1;
    },
    /** Stops observing; the element is dropped by its view. */
    destroy() {
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
    },
  };
}
