/** The provider part of a qualified name `name@provider` ('' when unqualified). */
export function providerOf(qualified: string): string {
  const at = qualified.lastIndexOf('@');
  if (at < 0) return '';
  // The same few providers name thousands of elements: hand back the last one's string instead of a new slice.
  const length = qualified.length - at - 1;
  if (length === last.length && qualified.endsWith(last)) return last;
  return (last = qualified.slice(at + 1));
}

let last = '';

/** Resolves a reference relative to the referrer's provider: `x` → `x@provider`, `x@other` unchanged. */
export function resolveRef(ref: string, referrerProvider: string): string {
  return ref.includes('@') ? ref : `${ref}@${referrerProvider}`;
}
