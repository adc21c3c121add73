/**
 * Waits between attempts, as Traefik's retry computes them: exponential from `initialMs` with a multiplier
 * chosen so the interval doubles over all attempts (2^(1/(attempts-1))), each wait randomised by ±50%.
 * Returns 0 every time when there is no initial interval.
 */
export function createBackoff(initialMs: number, attempts: number, random: () => number = Math.random): () => number {
  if (initialMs <= 0 || attempts < 2) return () => 0;
  const multiplier = Math.pow(2, 1 / (attempts - 1));
  let interval = initialMs;
  return () => {
    const wait = interval * (0.5 + random());
    interval = Math.min(interval * multiplier, initialMs * 2);
    return wait;
  };
}
