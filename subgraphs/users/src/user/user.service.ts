import { badUserInput, canAccessOwnedBy, conflict, forbidden, notFound, type EventOutbox } from '#kernel';
import type { UsersContext } from '../context';
import type { Prisma, PrismaClient, Profile } from '../generated/prisma/client';
import { avatarPath, type AvatarStorage } from '../avatar/avatar-storage';
import type { ProfileCache } from './profile-cache';
import { lockProfile } from './profile-lock';
import { assertTimeZone, formatDate, normaliseLanguageTag, normalisePhone, parseBirthday, requiredText } from './profile-validation';
import { Role } from './role.type';
import { UserEventType, type UserDeleted } from './user.events';
import { User, UserStatus, type UpdateProfileInput } from './user.type';

/** Fields of User shown only to the user themselves and staff. */
export type PersonalField = 'phone' | 'locale' | 'timezone' | 'birthday' | 'status';

/**
 * Profiles: reads (cached), changes by the user or an admin, and deletion. This database
 * only knows users who have a profile; an account without one exists in auth and is
 * shown here with null profile fields.
 */
export class UserService {
  constructor(
    private readonly db: PrismaClient,
    private readonly cache: ProfileCache,
    private readonly storage: AvatarStorage,
    private readonly events: EventOutbox,
  ) {}

  /**
   * Creates or completes the profile of a new account (from auth's `user.registered`).
   * A profile made earlier (an address saved first) gets its name only if it has none,
   * so handling the event twice changes nothing. A new account holds CUSTOMER only, which
   * becomes the roles read model unless a later `user.roles_changed` was handled first.
   */
  async createProfile(
    tx: Pick<PrismaClient, 'profile' | 'profileRole'>,
    account: { userId: string; name: string; email?: string },
    occurredAt: Date,
  ): Promise<void> {
    await tx.profile.upsert({
      where: { userId: account.userId },
      create: { userId: account.userId, displayName: account.name, email: account.email ?? null },
      update: {},
    });
    await tx.profile.updateMany({ where: { userId: account.userId, displayName: null, deletedAt: null }, data: { displayName: account.name } });
    if (account.email) await tx.profile.updateMany({ where: { userId: account.userId, email: null, deletedAt: null }, data: { email: account.email } });
    await this.replaceRoles(tx, account.userId, [Role.CUSTOMER], occurredAt);
  }

  /**
   * Replaces the roles read model (admin search) with the complete set of an auth event
   * that occurred at `occurredAt`, unless the set already comes from a later event: events
   * of different types, and redeliveries, may arrive out of order. The conditional update
   * locks the profile row, so concurrent handlers of one user take turns.
   */
  async replaceRoles(tx: Pick<PrismaClient, 'profile' | 'profileRole'>, userId: string, roles: readonly Role[], occurredAt: Date): Promise<void> {
    await tx.profile.upsert({ where: { userId }, create: { userId }, update: {} });
    const { count } = await tx.profile.updateMany({
      where: { userId, OR: [{ rolesChangedAt: null }, { rolesChangedAt: { lt: occurredAt } }] },
      data: { rolesChangedAt: occurredAt },
    });
    if (count === 0) return;
    await tx.profileRole.deleteMany({ where: { userId } });
    await tx.profileRole.createMany({ data: [...new Set(roles)].map((role) => ({ userId, role })) });
  }

  /** Keeps the email read model current (from auth's `user.email_verified`). */
  async markEmailVerified(tx: Pick<PrismaClient, 'profile'>, account: { userId: string; email: string }): Promise<void> {
    await tx.profile.upsert({
      where: { userId: account.userId },
      create: { userId: account.userId, email: account.email, emailVerified: true },
      update: {},
    });
    await tx.profile.updateMany({ where: { userId: account.userId, deletedAt: null }, data: { email: account.email, emailVerified: true } });
  }

  /** Profiles by user id, from the cache where possible, else in one query; backs the per-request DataLoader. */
  async findProfilesByUserIds(userIds: readonly string[]): Promise<Profile[]> {
    const cached = await this.cache.getMany(userIds);
    const missing = userIds.filter((id) => !cached.has(id));
    const loaded = missing.length ? await this.db.profile.findMany({ where: { userId: { in: missing } } }) : [];
    // A profile without a name is a placeholder that user.registered will complete outside any request: not cached.
    await this.cache.setMany(loaded.filter((profile) => profile.displayName !== null || profile.deletedAt !== null));
    return [...cached.values(), ...loaded];
  }

  /**
   * A user the caller may see: themselves, or anyone for staff and admins (FORBIDDEN
   * otherwise, checked before the lookup so ids cannot be probed).
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
   * owns it), so a missing profile means "no profile yet", not "no such user".
   */
  async findReferenced(context: UsersContext, id: string): Promise<User> {
    return toUser(id, await context.loaders.profile.load(id));
  }

  /** A personal field of `user`, or FORBIDDEN for anyone but the user themselves and staff. */
  personal<K extends PersonalField>(context: UsersContext, user: User, field: K): User[K] {
    if (!canAccessOwnedBy(context, user.id)) throw forbidden('Only the user themselves or staff may see this information.');
    return user[field];
  }

  /** The caller changes their own profile. */
  updateOwn(context: UsersContext, input: UpdateProfileInput): Promise<User> {
    return this.update(context, context.identity!.userId, input, { create: true });
  }

  /** An admin changes anyone's profile; NOT_FOUND for an unknown or deleted user. */
  updateAny(context: UsersContext, id: string, input: UpdateProfileInput): Promise<User> {
    return this.update(context, id, input, { create: false });
  }

  /**
   * Deletes a user (ADMIN): erases the personal data (profile fields, addresses,
   * preferences, avatar) and records `user.deleted` in the same transaction, on which
   * auth closes the account and ends its sessions. The profile row stays, anonymised and
   * marked deleted, so orders keep pointing at a user id that resolves.
   */
  async delete(context: UsersContext, id: string): Promise<boolean> {
    if (id === context.identity!.userId) throw conflict('You cannot delete your own account.');
    const avatarKey = await this.db.$transaction(async (tx) => {
      await lockProfile(tx, id, { create: false });
      const before = await tx.profile.findUniqueOrThrow({ where: { userId: id } });
      await tx.address.deleteMany({ where: { userId: id } });
      await tx.preference.deleteMany({ where: { userId: id } });
      await tx.profile.update({ where: { userId: id }, data: { ...ERASED, deletedAt: new Date() } });
      await this.events.record<UserDeleted>(tx, UserEventType.deleted, { userId: id });
      return before.avatarKey;
    });
    this.events.published();
    await this.cache.invalidate(id);
    context.loaders.profile.clear(id);
    if (avatarKey) {
      await this.storage.delete(avatarKey).catch((error: unknown) => context.log.warn({ error, avatarKey }, 'could not remove the avatar of a deleted user'));
    }
    context.log.info({ userId: id }, 'user deleted');
    return true;
  }

  private async update(context: UsersContext, id: string, input: UpdateProfileInput, options: { create: boolean }): Promise<User> {
    const data = profileChanges(input);
    const profile = await this.db.$transaction(async (tx) => {
      await lockProfile(tx, id, options);
      return tx.profile.update({ where: { userId: id }, data });
    });
    await this.afterWrite(context, profile);
    return toUser(id, profile);
  }

  /** Read-your-writes: the cache forgets the old profile, this request's loader holds the new one. */
  async afterWrite(context: UsersContext, profile: Profile): Promise<void> {
    await this.cache.invalidate(profile.userId);
    context.loaders.profile.clear(profile.userId).prime(profile.userId, profile);
  }
}

/** What deletion sets: every personal field of the profile, emptied. */
const ERASED = {
  displayName: null,
  phone: null,
  locale: null,
  timezone: null,
  birthday: null,
  avatarKey: null,
  email: null,
  emailVerified: false,
} satisfies Prisma.ProfileUpdateInput;

/** Validated changes of `input`: undefined leaves a field alone, null clears it. */
function profileChanges(input: UpdateProfileInput): Prisma.ProfileUpdateInput {
  const data: Prisma.ProfileUpdateInput = {};
  if (input.displayName !== undefined) {
    if (input.displayName === null) throw badUserInput('Display name cannot be removed.', 'input.displayName');
    data.displayName = requiredText(input.displayName, 'input.displayName', 'Display name');
  }
  const clearing = (value: string | null | undefined) => value === null || (value !== undefined && !value.trim());
  if (input.phone !== undefined) data.phone = clearing(input.phone) ? null : normalisePhone(input.phone!, 'input.phone');
  if (input.locale !== undefined) data.locale = clearing(input.locale) ? null : normaliseLanguageTag(input.locale!, 'input.locale');
  if (input.timezone !== undefined) data.timezone = clearing(input.timezone) ? null : assertTimeZone(input.timezone!, 'input.timezone');
  if (input.birthday !== undefined) data.birthday = clearing(input.birthday) ? null : parseBirthday(input.birthday!, 'input.birthday');
  return data;
}

export function toUser(id: string, profile: Profile | null): User {
  return Object.assign(new User(), {
    id,
    profile,
    displayName: profile?.displayName ?? null,
    avatarUrl: profile?.avatarKey ? avatarPath(profile.avatarKey) : null,
    phone: profile?.phone ?? null,
    locale: profile?.locale ?? null,
    timezone: profile?.timezone ?? null,
    birthday: profile?.birthday ? formatDate(profile.birthday) : null,
    status: profile?.deletedAt ? UserStatus.DELETED : UserStatus.ACTIVE,
  });
}
