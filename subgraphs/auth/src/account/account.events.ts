import type { Role } from '../generated/prisma/enums';

/**
 * Events the auth domain publishes (subjects `<EVENTS_PREFIX>.auth.<type>`), recorded in
 * the same transaction as the change. Consumers validate the payloads themselves.
 */
export const AccountEventType = {
  registered: 'user.registered',
  emailVerified: 'user.email_verified',
  rolesChanged: 'user.roles_changed',
} as const;

/**
 * A new account exists; `name` seeds the profile in the users domain. Every new account
 * holds exactly the CUSTOMER role, so this event also stands for its initial role set:
 * no `user.roles_changed` is recorded at registration.
 */
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

/**
 * A user's roles changed (an admin assigned them, or the bootstrap admin verified their
 * email); `roles` is the complete set after the change, not a delta. Events may arrive
 * out of order, so consumers keep the set of the latest `occurredAt` they have seen.
 */
export interface UserRolesChanged {
  userId: string;
  roles: Role[];
}
