import { registerEnumType } from 'type-graphql';
import { Role } from '../generated/prisma/enums';

export { Role };

// Auth owns roles; this copy exists for the admin list's role filter. Federation merges
// enums by name, so the name, values and descriptions must stay identical to auth's
// (subgraphs/auth/src/user/user.type.ts), or composition reports a mismatch.
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do; a user holds one or more roles.',
  valuesConfig: {
    CUSTOMER: { description: 'Shops: browses, orders and pays for their own orders.' },
    STAFF: { description: 'Runs the shop: manages the catalog and moves orders forward.' },
    ADMIN: { description: 'Everything staff can do, plus managing users and their roles.' },
  },
});
