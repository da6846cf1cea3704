import { canAccessOwnedBy, forbidden } from '#kernel';
import type { AuthContext } from '../context';
import type { PrismaClient, User as UserRow } from '../generated/prisma/client';
import { User } from './user.type';

/** Reads accounts. Personal fields are released only to the account's owner and staff. */
export class UserService {
  constructor(private readonly db: PrismaClient) {}

  /** Users by id in one query; backs the per-request DataLoader. */
  async findByIds(ids: readonly string[]): Promise<User[]> {
    const rows = await this.db.user.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toUser);
  }

  /** A user referenced by another subgraph (an order's buyer, say), or null when unknown. */
  findReferenced(context: AuthContext, id: string): Promise<User | null> {
    return context.loaders.user.load(id);
  }

  /**
   * The user's email, or FORBIDDEN for anyone but the owner and staff. An error rather
   * than null: the field is non-null and a client asking for it should learn why it failed.
   */
  emailOf(context: AuthContext, user: User): string {
    if (!canAccessOwnedBy(context, user.id)) throw forbidden('Only the user themselves or staff may see this email address.');
    return user.email;
  }
}

function toUser(row: UserRow): User {
  return Object.assign(new User(), { id: row.id, email: row.email, createdAt: row.createdAt });
}
