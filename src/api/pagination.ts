/** A page of a list, with the number of the next page (1 when this is the last, as Traefik's `X-Next-Page`). */
export interface Page<T> {
  items: T[];
  nextPage: number;
}

/** A bad query parameter: the API answers 400 with `{"message": …}`. */
export class BadRequest extends Error {}

const DEFAULT_PER_PAGE = 100;

/** Cuts one page out of a list from the `page` (default 1) and `per_page` (default 100) parameters. */
export function paginate<T>(items: T[], query: Record<string, string | undefined>): Page<T> {
  const perPage = positiveInt(query, 'per_page', DEFAULT_PER_PAGE);
  const page = positiveInt(query, 'page', 1);
  const start = (page - 1) * perPage;
  // The first page of an empty list is an empty page; any later page past the end is an error.
  if (start !== 0 && start >= items.length) throw new BadRequest(`invalid request: page: ${page}, per_page: ${perPage}`);
  return { items: items.slice(start, start + perPage), nextPage: page * perPage < items.length ? page + 1 : 1 };
}

function positiveInt(query: Record<string, string | undefined>, key: string, fallback: number): number {
  const raw = query[key];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new BadRequest(`invalid request: ${key}: ${raw}`);
  return value;
}
