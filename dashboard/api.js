// The dashboard's only data source: the JSON API next to it. URLs are relative so a base path works.

const API_ROOT = new URL('../api/', document.baseURI);

/** An API answer that was not 2xx; `status` is the HTTP status and `message` the API's own message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Builds the absolute URL of an API path (`http/routers`) with query parameters (arrays repeat the key). */
export function apiUrl(path, params = {}) {
  const url = new URL(path, API_ROOT);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  return url;
}

/** GETs JSON from the API; resolves to `{ data, nextPage }` where nextPage comes from `X-Next-Page` (null on the last page). */
export async function getJSON(path, params = {}, { signal } = {}) {
  const response = await fetch(apiUrl(path, params), { signal, headers: { accept: 'application/json' } });
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data?.message ?? `${response.status} ${response.statusText}`);
  // Traefik sends X-Next-Page: 1 on the last page, since page 1 is never "next".
  const header = Number(response.headers.get('x-next-page'));
  const page = Number(params.page ?? 1);
  const nextPage = Number.isInteger(header) && header > page ? header : null;
  return { data, nextPage };
}

/** GETs JSON and returns the fallback instead of throwing (for optional panels such as providers). */
export async function tryJSON(path, fallback = null, params = {}) {
  try {
    return (await getJSON(path, params)).data;
  } catch {
    return fallback;
  }
}

/** Qualifies a reference the way the gateway does: a name without `@` belongs to the referrer's provider. */
export function qualify(name, provider) {
  if (!name || name.includes('@') || !provider) return name;
  return `${name}@${provider}`;
}
