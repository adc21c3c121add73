/**
 * Remembers what `prepare` made of a configuration object until the current synchronous turn ends, which
 * is one compile: a middleware named by 10,000 routers (an entry point's, or one every Ingress lists) is
 * created once per router in the same compile, and parsing its lists or reading its files each time made
 * that compile quadratic (issue 8). A failure is remembered too and thrown again for each router, so every
 * router using a broken middleware still reports it. The next compile prepares afresh (files are read
 * again), as Traefik reads them whenever it builds the middleware.
 */
export function oncePerCompile<C extends object, P, A extends unknown[] = []>(prepare: (config: C, ...rest: A) => P): (config: C, ...rest: A) => P {
  let memo: Map<C, { value: P } | { error: unknown }> | undefined;
  return (config, ...rest) => {
    if (!memo) {
      memo = new Map();
      queueMicrotask(() => (memo = undefined));
    }
    let entry = memo.get(config);
    if (!entry) {
      try {
        // Anything besides the configuration (a logger for warnings) is taken from the first router's call.
        entry = { value: prepare(config, ...rest) };
      } catch (error) {
        entry = { error };
      }
      memo.set(config, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.value;
  };
}
