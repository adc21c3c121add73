// The list page shared by routers, services, middlewares and certificates: status filter, debounced search,
// sortable columns, filters kept in the URL hash, infinite paging through the API, a virtualised grid.

import { getJSON, ApiError } from '../api.js';
import { h, formatRate, formatPercent } from '../dom.js';
import { createVirtualList } from '../virtual-list.js';

// Large pages: the API's cost is mostly per request (it filters and sorts the whole list each time).
const PER_PAGE = 500;
const SEARCH_DEBOUNCE_MS = 300;
const FILTER_WORDS = { serviceName: 'service', middlewareName: 'middleware' };
const STATUSES = [
  ['', 'All'],
  ['enabled', 'Enabled'],
  ['warning', 'Warnings'],
  ['disabled', 'Disabled'],
];

/**
 * Builds a list view from its definition: `kind` (hash segment), `title`, `endpoint` (API path),
 * `columns` ([{ label, sortBy?, width, render(item) }]), `rates` ('router' | 'service' to show traffic),
 * `detail` (true when rows open a detail page), `emptyText`.
 */
export function createListView(definition) {
  return (root, ctx) => {
    const params = ctx.params;
    const state = {
      status: params.get('status') ?? '',
      search: params.get('search') ?? '',
      sortBy: params.get('sortBy') ?? 'name',
      direction: params.get('direction') === 'desc' ? 'desc' : 'asc',
    };
    // Filters the API has beyond search and status (routers by service or middleware), reached from detail pages.
    const extra = Object.fromEntries((definition.extraFilters ?? []).filter((key) => params.get(key)).map((key) => [key, params.get(key)]));
    let flashed = new Set();
    let flashTimer = 0;
    let items = [];
    let nextPage = null;
    let pagesLoaded = 0;
    let generation = 0;
    let searchTimer = 0;
    const counter = h('p', { class: 'list-count', role: 'status', 'aria-live': 'polite' });
    const errorBox = h('p', { class: 'error-banner', role: 'alert', hidden: true });
    const columns = definition.columns;

    const headerCells = columns.map((column) => {
      const cell = h('div', { role: 'columnheader', class: column.className ?? '' });
      if (column.sortBy) {
        cell.append(h('button', { type: 'button', class: 'sort', onclick: () => sortOn(column.sortBy) }, column.label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' })));
      } else {
        cell.textContent = column.label;
      }
      return cell;
    });
    const rateCells = definition.rates ? [h('div', { role: 'columnheader', class: 'col-rate num', title: 'Requests per second over the last few seconds' }, 'Req/s'), h('div', { role: 'columnheader', class: 'col-rate num', title: 'Share of answers with a 5xx status' }, '5xx')] : [];
    const header = h('div', { role: 'row', class: 'vlist-row vlist-header', 'aria-rowindex': '1' }, headerCells, rateCells);

    const list = createVirtualList({
      label: definition.title,
      header,
      emptyText: () => (state.status || state.search || Object.keys(extra).length ? `No ${definition.kind} match these filters.` : (definition.emptyText ?? `No ${definition.kind} yet.`)),
      renderRow: (item) => {
        const cells = columns.map((column) => h('div', { role: 'gridcell', class: column.className ?? '' }, column.render(item)));
        if (definition.rates) {
          const rate = ctx.metrics.rate(definition.rates, item.name);
          cells.push(h('div', { role: 'gridcell', class: 'col-rate num' }, formatRate(rate?.perSecond)));
          cells.push(h('div', { role: 'gridcell', class: 'col-rate num' }, formatPercent(rate?.errorRatio)));
        }
        return h('div', { class: flashed.has(item.name) ? 'flash' : undefined }, cells);
      },
      onOpen: definition.detail ? (item) => ctx.navigate(`#/${definition.kind}/${encodeURIComponent(item.name)}`) : undefined,
      onNearEnd: () => loadMore(),
    });

    const applyColumns = () => {
      const widths = columns.map((c) => c.width);
      const withRates = definition.rates && ctx.metrics.available();
      if (withRates) widths.push('5.5rem', '4.5rem');
      list.element.style.setProperty('--cols', widths.join(' '));
      list.element.classList.toggle('no-rates', !withRates);
    };

    const queryParams = (page) => ({
      status: state.status,
      search: state.search,
      sortBy: state.sortBy,
      direction: state.direction,
      ...extra,
      page,
      per_page: PER_PAGE,
    });

    const showCount = () => {
      counter.textContent = `${items.length.toLocaleString('en')} ${definition.kind}${nextPage ? ' loaded, more on scroll' : ''}`;
    };

    const syncHeader = () => {
      headerCells.forEach((cell, i) => {
        const sortBy = columns[i].sortBy;
        if (!sortBy) return;
        const on = sortBy === state.sortBy;
        cell.setAttribute('aria-sort', on ? (state.direction === 'asc' ? 'ascending' : 'descending') : 'none');
        cell.querySelector('.sort-icon').textContent = on ? (state.direction === 'asc' ? ' ▲' : ' ▼') : '';
      });
    };

    // Reloads the pages already shown (a filter change asks for one page, a live refresh for as many as were loaded).
    const load = async (pages) => {
      const mine = ++generation;
      list.setLoading(true);
      try {
        const settled = await Promise.allSettled(Array.from({ length: pages }, (_, i) => getJSON(definition.endpoint, queryParams(i + 1))));
        if (mine !== generation) return;
        if (settled[0].status === 'rejected') throw settled[0].reason;
        // The list may have shrunk since those pages were loaded: a page past the end is a 400, and ends the list.
        const results = [];
        for (const result of settled) {
          if (result.status !== 'fulfilled') break;
          results.push(result.value);
          if (!result.value.nextPage) break;
        }
        items = results.flatMap((r) => r.data ?? []);
        nextPage = results.at(-1).nextPage;
        pagesLoaded = results.length;
        errorBox.hidden = true;
      } catch (error) {
        if (mine !== generation) return;
        items = [];
        nextPage = null;
        errorBox.hidden = false;
        errorBox.textContent = `Could not load ${definition.kind}: ${error.message}`;
      }
      list.setItems(items, { hasMore: Boolean(nextPage) });
      showCount();
    };

    const loadMore = async () => {
      if (!nextPage) return;
      const mine = generation;
      const page = nextPage;
      list.setLoading(true);
      try {
        const result = await getJSON(definition.endpoint, queryParams(page));
        if (mine !== generation) return;
        items = items.concat(result.data ?? []);
        nextPage = result.nextPage;
        pagesLoaded = page;
      } catch (error) {
        if (mine !== generation) return;
        nextPage = null;
        // 400: the page is past the end because elements went away meanwhile; the list simply ends.
        if (!(error instanceof ApiError && error.status === 400)) errorBox.hidden = false;
        errorBox.textContent = `Could not load more ${definition.kind}: ${error.message}`;
      }
      list.setItems(items, { hasMore: Boolean(nextPage) });
      showCount();
    };

    const filtersChanged = () => {
      const next = {};
      if (state.status) next.status = state.status;
      if (state.search) next.search = state.search;
      if (state.sortBy !== 'name') next.sortBy = state.sortBy;
      if (state.direction !== 'asc') next.direction = state.direction;
      Object.assign(next, extra);
      ctx.setParams(next);
      syncHeader();
      list.reset();
      load(1);
    };

    const sortOn = (sortBy) => {
      state.direction = state.sortBy === sortBy && state.direction === 'asc' ? 'desc' : 'asc';
      state.sortBy = sortBy;
      filtersChanged();
    };

    const statusGroup = h(
      'fieldset',
      { class: 'segmented' },
      h('legend', { class: 'visually-hidden' }, 'Status'),
      STATUSES.map(([value, label]) =>
        h(
          'label',
          {},
          h('input', {
            type: 'radio',
            name: `status-${definition.kind}`,
            value,
            checked: state.status === value,
            onchange: () => {
              state.status = value;
              filtersChanged();
            },
          }),
          h('span', {}, label),
        ),
      ),
    );
    const searchInput = h('input', {
      id: 'list-search',
      type: 'search',
      value: state.search,
      placeholder: definition.searchHint ?? 'Name',
      autocomplete: 'off',
      oninput: (event) => {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(() => {
          state.search = event.target.value.trim();
          filtersChanged();
        }, SEARCH_DEBOUNCE_MS);
      },
    });

    const chips = Object.entries(extra).map(([key, value]) =>
      h(
        'button',
        {
          type: 'button',
          class: 'chip',
          'aria-label': `Remove filter ${FILTER_WORDS[key] ?? key} ${value}`,
          onclick: (event) => {
            delete extra[key];
            event.currentTarget.remove();
            filtersChanged();
          },
        },
        `${FILTER_WORDS[key] ?? key}: ${value} `,
        h('span', { 'aria-hidden': 'true' }, '✕'),
      ),
    );
    root.append(
      h('h1', { tabindex: '-1' }, definition.title),
      h(
        'div',
        { class: 'toolbar' },
        definition.noStatus ? null : statusGroup,
        h('div', { class: 'search' }, h('label', { for: 'list-search' }, 'Search'), searchInput),
        chips.length ? h('div', { class: 'chips' }, chips) : null,
      ),
      counter,
      errorBox,
      list.element,
    );
    applyColumns();
    syncHeader();
    load(1);
    const unsubscribe = definition.rates ? ctx.metrics.subscribe(() => {
      applyColumns();
      list.setItems(items, { hasMore: Boolean(nextPage) });
    }) : () => undefined;

    return {
      wantsMetrics: Boolean(definition.rates),
      // Rows named in the event (added or changed) are marked for a moment so a change is seen where it happens.
      refresh: (event) => {
        flashed = new Set([...(event?.added?.[definition.kind] ?? []), ...(event?.changed?.[definition.kind] ?? [])]);
        clearTimeout(flashTimer);
        flashTimer = setTimeout(() => {
          flashed = new Set();
        }, 3000);
        return load(Math.max(1, pagesLoaded));
      },
      destroy() {
        clearTimeout(searchTimer);
        clearTimeout(flashTimer);
        generation++;
        unsubscribe();
        list.destroy();
      },
    };
  };
}
