import { badUserInput, canAccessOwnedBy, forbidden } from '#kernel';
import type { UsersContext } from '../context';
import type { Preference, PrismaClient } from '../generated/prisma/client';
import { lockProfile } from '../user/profile-lock';
import { normaliseLanguageTag } from '../user/profile-validation';
import { CURRENCY_CODES } from './currencies';
import { Preferences, type PreferencesInput } from './preference.type';

/** What a user who never saved preferences gets; the database defaults say the same. */
export const DEFAULT_PREFERENCES = { newsletter: false, currency: 'USD', language: 'en' } as const;

/** Typed preferences with defaults: a row exists only once the user changed something. */
export class PreferenceService {
  constructor(private readonly db: PrismaClient) {}

  /** Preferences of many users in one query; backs the DataLoader. */
  findByUserIds(userIds: readonly string[]): Promise<Preference[]> {
    return this.db.preference.findMany({ where: { userId: { in: [...userIds] } } });
  }

  /** `User.preferences`: FORBIDDEN to anyone but the user themselves and staff. */
  async of(context: UsersContext, userId: string): Promise<Preferences> {
    if (!canAccessOwnedBy(context, userId)) throw forbidden('Only the user themselves or staff may see these preferences.');
    return toPreferences(await context.loaders.preferences.load(userId));
  }

  async updateOwn(context: UsersContext, input: PreferencesInput): Promise<Preferences> {
    const userId = context.identity!.userId;
    const data: { newsletter?: boolean; currency?: string; language?: string } = {};
    if (input.newsletter !== undefined) {
      if (input.newsletter === null) throw badUserInput('Newsletter must be true or false.', 'input.newsletter');
      data.newsletter = input.newsletter;
    }
    if (input.currency !== undefined) {
      const currency = (input.currency ?? '').trim().toUpperCase();
      if (!CURRENCY_CODES.has(currency)) throw badUserInput('Currency must be an ISO 4217 code such as IDR.', 'input.currency');
      data.currency = currency;
    }
    if (input.language !== undefined) data.language = normaliseLanguageTag(input.language ?? '', 'input.language', 'Language');
    const row = await this.db.$transaction(async (tx) => {
      await lockProfile(tx, userId, { create: true });
      return tx.preference.upsert({ where: { userId }, create: { userId, ...DEFAULT_PREFERENCES, ...data }, update: data });
    });
    context.loaders.preferences.clear(userId).prime(userId, row);
    return toPreferences(row);
  }
}

function toPreferences(row: Preference | null): Preferences {
  const values = row ?? DEFAULT_PREFERENCES;
  return Object.assign(new Preferences(), { newsletter: values.newsletter, currency: values.currency, language: values.language });
}
