import { canAccessOwnedBy, forbidden, notFound } from '#kernel';
import type { UsersContext } from '../context';
import type { PrismaClient, Profile } from '../generated/prisma/client';
import { User } from './user.type';

/**
 * Reads profiles. This database only knows users who have a profile; an account without
 * one exists in auth and is shown here with a null display name.
 */
export class UserService {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Creates the profile of a new account (from auth's `user.registered`). An existing
   * profile is left as it is, so handling the event twice changes nothing.
   */
  async createProfile(tx: Pick<PrismaClient, 'profile'>, account: { userId: string; name: string }): Promise<void> {
    await tx.profile.upsert({ where: { userId: account.userId }, create: { userId: account.userId, displayName: account.name }, update: {} });
  }

  /** Profiles by user id in one query; backs the per-request DataLoader. */
  findProfilesByUserIds(userIds: readonly string[]): Promise<Profile[]> {
    return this.db.profile.findMany({ where: { userId: { in: [...userIds] } } });
  }

  /**
   * A user the caller may see: themselves, or anyone for staff and admins. Access is
   * checked before the lookup so a customer cannot probe which ids exist.
   */
  async get(context: UsersContext, id: string): Promise<User> {
    if (!canAccessOwnedBy(context, id)) throw forbidden('Only the user themselves or staff may see this user.');
    const profile = await context.loaders.profile.load(id);
    if (profile) return toUser(id, profile);
    // The caller's own id comes from a verified token, so that account exists even without a profile.
    if (context.identity?.userId === id) return toUser(id, null);
    throw notFound('User', id);
  }

  /**
   * A user referenced by another subgraph. The reference proves the account exists (auth
   * owns it), so a missing profile means "no display name yet", not "no such user".
   */
  async findReferenced(context: UsersContext, id: string): Promise<User> {
    return toUser(id, await context.loaders.profile.load(id));
  }
}

function toUser(id: string, profile: Profile | null): User {
  return Object.assign(new User(), { id, displayName: profile?.displayName ?? null });
}
