import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A stored avatar image. */
export interface StoredAvatar {
  bytes: Buffer;
  contentType: string;
}

/**
 * Where avatar images live, by key (`<userId>-<random>.<ext>`, see {@link AVATAR_KEY}).
 * {@link LocalDiskAvatarStorage} is the only implementation; an S3-compatible one (keys as
 * object names, `get` replaced by redirects to the bucket or a CDN) is the intended
 * second, not written yet.
 */
export interface AvatarStorage {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The image, or null when there is none under `key`. */
  get(key: string): Promise<StoredAvatar | null>;
  /** Removes the image; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** Shape of every avatar key: whose it is, 128 random bits (so URLs cannot be guessed), the type. */
export const AVATAR_KEY = /^[0-9a-f-]{36}-[A-Za-z0-9_-]{22}\.(png|jpg|webp)$/;

const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** Where an avatar is served, on the gateway's origin. */
export const avatarPath = (key: string) => `/avatars/${key}`;

/** Avatars as files in one directory (AVATAR_DIR), written atomically (temporary file, then rename). */
export class LocalDiskAvatarStorage implements AvatarStorage {
  constructor(private readonly directory: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    assertKey(key);
    await mkdir(this.directory, { recursive: true });
    const temporary = join(this.directory, `.${key}.tmp`);
    await writeFile(temporary, bytes);
    await rename(temporary, join(this.directory, key));
  }

  async get(key: string): Promise<StoredAvatar | null> {
    if (!AVATAR_KEY.test(key)) return null;
    try {
      return { bytes: await readFile(join(this.directory, key)), contentType: CONTENT_TYPES[key.split('.').pop()!]! };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await rm(join(this.directory, key), { force: true });
  }
}

function assertKey(key: string): void {
  // Keys become file names: anything else (a path, `..`) must never reach the file system.
  if (!AVATAR_KEY.test(key)) throw new Error(`invalid avatar key ${JSON.stringify(key)}`);
}
