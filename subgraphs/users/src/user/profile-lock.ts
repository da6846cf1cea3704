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
  // Lock first and insert only when missing: INSERT IGNORE on an existing row takes a
  // shared lock, and upgrading it in concurrent transactions deadlocks.
  let rows = await selectForUpdate(tx, userId);
  if (!rows.length && options.create) {
    await tx.$executeRawUnsafe(
      'INSERT IGNORE INTO profiles (user_id, email_verified, created_at, updated_at) VALUES (?, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))',
      userId,
    );
    rows = await selectForUpdate(tx, userId);
  }
  if (!rows.length || rows[0]!.deleted_at) throw notFound('User', userId);
}

const selectForUpdate = (tx: UsersTransaction, userId: string) =>
  tx.$queryRawUnsafe<{ deleted_at: Date | null }[]>('SELECT deleted_at FROM profiles WHERE user_id = ? FOR UPDATE', userId);
