import { badUserInput, pageInfoOf } from '#kernel';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { UserStatus } from './user.type';
import { UserConnection, type UserFilter } from './user-connection.type';
import { toUser } from './user.service';

/** Largest page `users(first:)` serves. */
export const MAX_PAGE_SIZE = 100;

/**
 * The admin user list: filters over this domain's profiles (the email and roles are read
 * models of auth's, kept from its events), newest first with the user id breaking ties, so the
 * order is total and keyset cursors never skip or repeat a user between pages.
 */
export class UserSearchService {
  constructor(private readonly db: PrismaClient) {}

  async search(filter: UserFilter | undefined, first: number, after: string | undefined | null): Promise<UserConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
    }
    const where = filterWhere(filter);
    const position = after ? decodeCursor(after) : undefined;
    const pageWhere: Prisma.ProfileWhereInput = position
      ? { AND: [where, { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, userId: { lt: position.userId } }] }] }
      : where;
    // One transaction, so the page and totalCount read one snapshot (InnoDB's repeatable
    // read) even while event consumers change profiles and roles in between.
    const [rows, totalCount] = await this.db.$transaction([
      this.db.profile.findMany({ where: pageWhere, orderBy: [{ createdAt: 'desc' }, { userId: 'desc' }], take: first + 1 }),
      this.db.profile.count({ where }),
    ]);
    const page = rows.slice(0, first);
    const edges = page.map((profile) => ({ cursor: encodeCursor(profile), node: toUser(profile.userId, profile) }));
    return Object.assign(new UserConnection(), {
      edges,
      pageInfo: pageInfoOf(edges, rows.length > first),
      totalCount,
    });
  }
}

function filterWhere(filter: UserFilter | undefined): Prisma.ProfileWhereInput {
  const conditions: Prisma.ProfileWhereInput[] = [];
  const search = filter?.search?.trim();
  if (search) {
    if (search.length > 100) throw badUserInput('Search must be at most 100 characters.', 'filter.search');
    // The columns' utf8mb4_unicode_ci collation makes `contains` case-insensitive.
    conditions.push({ OR: [{ displayName: { contains: search } }, { email: { contains: search } }] });
  }
  if (filter?.status === UserStatus.ACTIVE) conditions.push({ deletedAt: null });
  if (filter?.status === UserStatus.DELETED) conditions.push({ deletedAt: { not: null } });
  // An EXISTS on profile_roles, served by its (role) index and (user_id, role) key.
  if (filter?.role) conditions.push({ roles: { some: { role: filter.role } } });
  if (filter?.createdFrom) conditions.push({ createdAt: { gte: filter.createdFrom } });
  if (filter?.createdTo) conditions.push({ createdAt: { lte: filter.createdTo } });
  if (filter?.createdFrom && filter.createdTo && filter.createdFrom > filter.createdTo) {
    throw badUserInput('createdFrom must not be after createdTo.', 'filter.createdFrom');
  }
  return { AND: conditions };
}

/** Opaque to clients: base64url of `<createdAt ISO>|<userId>`, the sort key of the edge. */
function encodeCursor(profile: { createdAt: Date; userId: string }): string {
  return Buffer.from(`${profile.createdAt.toISOString()}|${profile.userId}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; userId: string } {
  const [iso, userId] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!userId || userId.length !== 36 || Number.isNaN(createdAt.getTime())) {
    throw badUserInput('after is not a cursor this list gave out.', 'after');
  }
  return { createdAt, userId };
}
