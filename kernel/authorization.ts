import type { AuthChecker } from 'type-graphql';
import type { RequestContext, Role } from './context';
import { forbidden, unauthenticated } from './errors';

/**
 * type-graphql's checker for `@Authorized(...roles)`: no identity → UNAUTHENTICATED,
 * identity without one of the roles → FORBIDDEN. Throwing (rather than returning false)
 * keeps our error codes instead of type-graphql's generic ones.
 */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  if (!context.identity) throw unauthenticated();
  if (roles.length && !roles.some((role) => context.identity!.roles.includes(role))) throw forbidden();
  return true;
};

/** True when the caller may see data owned by `ownerId`: the owner, staff or an admin. */
export function canAccessOwnedBy(context: RequestContext, ownerId: string): boolean {
  return context.identity?.userId === ownerId || hasAnyRole(context, 'STAFF', 'ADMIN');
}

/** True when the caller holds any of `roles`. */
export function hasAnyRole(context: RequestContext, ...roles: Role[]): boolean {
  return context.identity?.roles.some((role) => roles.includes(role)) ?? false;
}
