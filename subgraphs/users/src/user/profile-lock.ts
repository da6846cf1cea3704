import { notFound } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';

/** The client Prisma hands an interactive transaction. */
export type UsersTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Locks a user's profile row for the rest of `tx`, so changes to one user's profile,
 * addresses and preferences happen one at a time (the address limit and the single
 * default address rely on it). With `create`, a missing row is created first: a user
 * may save an address before auth's `user.registered` has reached this domain. A deleted
 * user, or (without `create`) an unknown one, is NOT_FOUND.
 */
export async function lockProfile(tx: UsersTransaction, userId: string, options: { create: boolean }): Promise<void> {
  if (options.create) {
    // One statement that creates the row or, when it exists, locks it exclusively. Not a
    // locking read first (on a missing row it takes a gap lock that two new users' inserts
    // deadlock on), not INSERT IGNORE (a shared lock that concurrent upgrades deadlock on),
    // and not a plain read first (it would fix the transaction's snapshot before the row).
    await tx.$executeRawUnsafe(
      `INSERT INTO profiles (user_id, email_verified, created_at, updated_at) VALUES (?, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE user_id = user_id`,
      userId,
    );
  }
  const rows = await selectForUpdate(tx, userId);
  if (!rows.length || rows[0]!.deleted_at) throw notFound('User', userId);
}

const selectForUpdate = (tx: UsersTransaction, userId: string) =>
  tx.$queryRawUnsafe<{ deleted_at: Date | null }[]>('SELECT deleted_at FROM profiles WHERE user_id = ? FOR UPDATE', userId);
