/** What compiling needs to know about an entry point (from the static configuration). */
export interface EntryPointView {
  name: string;
  asDefault: boolean;
  /** The internal `switchyard` entry point serves only internal routes. */
  internal: boolean;
  /** `http.middlewares`: qualified names prepended to every router on this entry point. */
  middlewares: string[];
  /** `http.redirections.entryPoint`, with the target's port resolved. */
  redirect?: { to: string; scheme: string; permanent: boolean; priority: number; port: string };
}

/** The entry points a router without `entryPoints` attaches to: the `asDefault` ones, else all but internal. */
export function defaultEntryPoints(entryPoints: EntryPointView[]): string[] {
  const candidates = entryPoints.filter((ep) => !ep.internal);
  const marked = candidates.filter((ep) => ep.asDefault);
  return (marked.length ? marked : candidates).map((ep) => ep.name);
}
