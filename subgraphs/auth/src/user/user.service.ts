import { canAccessOwnedBy, forbidden, notFound, unauthenticated } from '#kernel';
import type { AuthContext } from '../context';
import type { PrismaClient, User as UserRow, UserRole } from '../generated/prisma/client';
import { Role, User } from './user.type';

const withRoles = { roles: true } as const;

/** Reads accounts. Personal fields are released only to the account's owner and staff. */
export class UserService {
  constructor(private readonly db: PrismaClient) {}

  /** Users by id in one query (roles joined); backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<User[]> {
    const rows = await this.db.user.findMany({ where: { id: { in: [...ids] } }, include: withRoles });
    return rows.map(toUser);
  }

  /** The user who just proved who they are (credentials, an emailed token): may see their own fields. */
  async findProvenBy(id: string): Promise<User | null> {
    const user = await this.findById(id);
    return user && Object.assign(user, { provenByCaller: true });
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db.user.findUnique({ where: { id }, include: withRoles });
    return row && toUser(row);
  }

  /** A user referenced by another subgraph (an order's buyer, say), or null when unknown. */
  findReferenced(context: AuthContext, id: string): Promise<User | null> {
    return context.loaders.user.load(id);
  }

  /** The signed-in user. */
  async me(context: AuthContext): Promise<User> {
    const user = await context.loaders.user.load(context.identity!.userId);
    if (!user) throw unauthenticated('This account no longer exists.');
    return user;
  }

  /** A user for an admin; NOT_FOUND when unknown. */
  async get(context: AuthContext, id: string): Promise<User> {
    const user = await context.loaders.user.load(id);
    if (!user) throw notFound('User', id);
    return user;
  }

  /**
   * A personal field of `user`, or FORBIDDEN for anyone but the owner and staff. An error
   * rather than null: the fields are non-null and a client asking should learn why.
   */
  personal<K extends 'email' | 'roles'>(context: AuthContext, user: User, field: K): User[K] {
    if (!user.provenByCaller && !canAccessOwnedBy(context, user.id)) throw forbidden(`Only the user themselves or staff may see this ${field === 'email' ? 'email address' : 'information'}.`);
    return user[field];
  }
}

export function toUser(row: UserRow & { roles: UserRole[] }): User {
  return Object.assign(new User(), {
    id: row.id,
    email: row.email,
    roles: row.roles.map((entry) => entry.role).sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)),
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt,
  });
}

const ROLE_ORDER: Role[] = [Role.CUSTOMER, Role.STAFF, Role.ADMIN];
