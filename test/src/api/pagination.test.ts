import t from 'tap';
import { BadRequest, paginate } from '../../../src/api/pagination.js';

const items = Array.from({ length: 7 }, (_, i) => i + 1);

t.test('pages are cut from page and per_page, with the next page number', async (t) => {
  const cases: Array<[string, Record<string, string>, number[], number]> = [
    ['defaults give one page of up to 100', {}, items, 1],
    ['a first page', { per_page: '3' }, [1, 2, 3], 2],
    ['a middle page', { per_page: '3', page: '2' }, [4, 5, 6], 3],
    ['the last page points to 1', { per_page: '3', page: '3' }, [7], 1],
    ['an exact fit points to 1', { per_page: '7' }, items, 1],
    ['an empty per_page is the default', { per_page: '' }, items, 1],
  ];
  for (const [name, query, expected, next] of cases) {
    const page = paginate(items, query);
    t.same(page.items, expected, name);
    t.equal(page.nextPage, next, `${name}: next page`);
  }
  t.same(paginate([], {}), { items: [], nextPage: 1 }, 'the first page of nothing is empty');
});

t.test('bad page parameters are bad requests', async (t) => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['a page past the end', { per_page: '3', page: '4' }, 'invalid request: page: 4, per_page: 3'],
    ['page 2 of nothing', { page: '2' }, 'invalid request: page: 2, per_page: 100'],
    ['page 0', { page: '0' }, 'invalid request: page: 0'],
    ['a negative per_page', { per_page: '-1' }, 'invalid request: per_page: -1'],
    ['a fraction', { per_page: '1.5' }, 'invalid request: per_page: 1.5'],
    ['words', { page: 'last' }, 'invalid request: page: last'],
  ];
  for (const [name, query, message] of cases) {
    t.throws(() => paginate(name === 'page 2 of nothing' ? [] : items, query), new BadRequest(message), name);
  }
});
