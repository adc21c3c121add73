/** The provider part of a qualified name `name@provider` ('' when unqualified). */
export function providerOf(qualified: string): string {
  const at = qualified.lastIndexOf('@');
  return at < 0 ? '' : qualified.slice(at + 1);
}

/** Resolves a reference relative to the referrer's provider: `x` → `x@provider`, `x@other` unchanged. */
export function resolveRef(ref: string, referrerProvider: string): string {
  return ref.includes('@') ? ref : `${ref}@${referrerProvider}`;
}
