/**
 * Events the users domain publishes (subjects `<EVENTS_PREFIX>.users.<type>`), recorded in
 * the same transaction as the change. Consumers validate the payloads themselves.
 */
export const UserEventType = {
  deleted: 'user.deleted',
} as const;

/** An admin deleted the user: their profile is anonymised here; auth closes the account. */
export interface UserDeleted {
  userId: string;
}
