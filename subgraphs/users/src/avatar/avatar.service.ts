import { randomBytes } from 'node:crypto';
import type { Logger } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { ProfileCache } from '../user/profile-cache';
import { lockProfile } from '../user/profile-lock';
import { avatarPath, type AvatarStorage } from './avatar-storage';
import { detectImageType } from './image-type';

/** Thrown for an upload that is not a PNG, JPEG or WebP image. */
export class UnsupportedImageError extends Error {}

/** Avatars: stores the image, points the profile at it, removes the one it replaces. */
export class AvatarService {
  constructor(
    private readonly db: PrismaClient,
    private readonly storage: AvatarStorage,
    private readonly cache: ProfileCache,
  ) {}

  /**
   * Makes `bytes` the avatar of `userId` and returns its URL path. The new file is written
   * before the profile points at it and the old one removed after, so the profile never
   * names a missing file; a failure in between leaves at worst an orphaned file.
   */
  async replace(userId: string, bytes: Buffer, log: Logger): Promise<string> {
    const type = detectImageType(bytes);
    if (!type) throw new UnsupportedImageError('The avatar must be a PNG, JPEG or WebP image.');
    const key = `${userId}-${randomBytes(16).toString('base64url')}.${type.extension}`;
    await this.storage.put(key, bytes, type.contentType);
    let previous: string | null;
    try {
      previous = await this.db.$transaction(async (tx) => {
        await lockProfile(tx, userId, { create: true });
        const before = await tx.profile.findUniqueOrThrow({ where: { userId }, select: { avatarKey: true } });
        await tx.profile.update({ where: { userId }, data: { avatarKey: key } });
        return before.avatarKey;
      });
    } catch (error) {
      await this.storage.delete(key).catch(() => undefined);
      throw error;
    }
    await this.cache.invalidate(userId);
    if (previous) await this.storage.delete(previous).catch((error: unknown) => log.warn({ error, key: previous }, 'could not remove a replaced avatar'));
    log.info({ userId, key, bytes: bytes.length }, 'avatar replaced');
    return avatarPath(key);
  }
}
