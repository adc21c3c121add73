import bcrypt from 'bcryptjs';

/** Checks a password against a bcrypt hash; async so the event loop keeps serving while it runs. */
export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

/** The bcrypt implementation in use (pure JavaScript: the repository allows no native addons). */
export const bcryptCompare: BcryptCompare = (password, hash) => bcrypt.compare(password, hash);
