import { registerEnumType } from 'type-graphql';
import type { Role } from './context';

/**
 * Registers a domain's generated `Role` enum as the GraphQL `Role`. Every subgraph that
 * shows roles declares the enum, and federation needs the copies identical, so the
 * name and descriptions live here once.
 */
export function registerRoleEnum(roleEnum: Record<Role, Role>): void {
  registerEnumType(roleEnum, {
    name: 'Role',
    description: 'What a user may do; a user holds one or more roles.',
    valuesConfig: {
      CUSTOMER: { description: 'Shops: browses, orders and pays for their own orders.' },
      STAFF: { description: 'Runs the shop: manages the catalog and moves orders forward.' },
      ADMIN: { description: 'Everything staff can do, plus managing users and their roles.' },
    },
  });
}
