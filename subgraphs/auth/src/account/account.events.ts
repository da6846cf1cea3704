/**
 * Events the auth domain publishes (subjects `<EVENTS_PREFIX>.auth.<type>`), recorded in
 * the same transaction as the change. Consumers validate the payloads themselves.
 */
export const AccountEventType = {
  registered: 'user.registered',
  emailVerified: 'user.email_verified',
} as const;

/** A new account exists; `name` seeds the profile in the users domain. */
export interface UserRegistered {
  userId: string;
  email: string;
  name: string;
}

/** The user proved they own `email`. */
export interface UserEmailVerified {
  userId: string;
  email: string;
}
