import { mediaTypeMatches, parseMediaType, type MediaType } from './media-type.js';

/** Which response media types may be compressed. */
export interface TypeFilter {
  excluded: MediaType[];
  included: MediaType[];
}

// gRPC frames carry their own compression, and event streams must reach the client event by event (Traefik #2576).
const NEVER = [parseMediaType('application/grpc')!, parseMediaType('text/event-stream')!];

function parseList(key: string, values: string[]): MediaType[] {
  return values.map((value, i) => {
    const parsed = parseMediaType(value);
    if (!parsed) throw new Error(`${key}[${i}]: invalid media type "${value}"`);
    return parsed;
  });
}

/** Parses the two lists; setting both is a configuration error, as in Traefik. */
export function parseContentTypes(excluded: string[], included: string[]): TypeFilter {
  if (excluded.length > 0 && included.length > 0) throw new Error('excludedContentTypes and includedContentTypes are mutually exclusive');
  return { excluded: parseList('excludedContentTypes', excluded), included: parseList('includedContentTypes', included) };
}

/** True when the filter has a user list, so a response without Content-Type is sniffed before deciding. */
export function hasLists(filter: TypeFilter): boolean {
  return filter.excluded.length > 0 || filter.included.length > 0;
}

/** True when a body of this Content-Type may be compressed; an unparsable type is not (as Traefik). */
export function shouldCompressType(filter: TypeFilter, contentType: string): boolean {
  const actual = parseMediaType(contentType);
  if (!actual) return false;
  if (NEVER.some((never) => mediaTypeMatches(never, actual))) return false;
  if (filter.included.length > 0) return filter.included.some((pattern) => mediaTypeMatches(pattern, actual));
  return !filter.excluded.some((pattern) => mediaTypeMatches(pattern, actual));
}

/** True when the request's own Content-Type asks to be left alone (gRPC, or a type the user excluded), as Traefik checks. */
export function skipForRequestType(filter: TypeFilter, contentType: string | undefined): boolean {
  if (!contentType) return false;
  const actual = parseMediaType(contentType);
  if (!actual) return false;
  return [...NEVER.slice(0, 1), ...filter.excluded].some((pattern) => mediaTypeMatches(pattern, actual));
}
