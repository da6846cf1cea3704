import { badUserInput } from '#kernel';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 10;
/** argon2 hashes anything, but a cap keeps a megabyte "password" from costing CPU. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Refuses weak passwords with BAD_USER_INPUT naming `field`: too short or long, on the
 * common-password list, or the email address itself.
 */
export function assertAcceptablePassword(password: string, email: string, field: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw badUserInput(`Password must be at least ${PASSWORD_MIN_LENGTH} characters.`, field);
  if (password.length > PASSWORD_MAX_LENGTH) throw badUserInput(`Password must be at most ${PASSWORD_MAX_LENGTH} characters.`, field);
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) throw badUserInput('This password is too common; choose another.', field);
  if (lowered === email.toLowerCase() || lowered === email.split('@')[0]?.toLowerCase()) {
    throw badUserInput('Password must not be your email address.', field);
  }
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;

/** Trims and lower-cases an email address; BAD_USER_INPUT naming `field` when it is not one. */
export function normaliseEmail(email: string, field: string): string {
  const normalised = email.trim().toLowerCase();
  if (normalised.length > 254 || !EMAIL.test(normalised)) throw badUserInput('Enter a valid email address.', field);
  return normalised;
}
