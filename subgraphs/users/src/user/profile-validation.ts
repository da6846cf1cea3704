import { badUserInput } from '#kernel';

/**
 * Checks and normalises profile values. Each function takes the GraphQL input path of
 * the value (`input.phone`) so a BAD_USER_INPUT names exactly what to fix. Pure, so
 * addresses and preferences reuse them and unit tests cover them without services.
 */

/** Oldest birthday accepted: nobody we sell to is older than this. */
export const MAX_AGE_YEARS = 130;

/** Trims; 1–`max` characters, no control characters. */
export function requiredText(value: string, field: string, label: string, max = 100): string {
  const text = value.trim();
  if (!text || text.length > max) throw badUserInput(`${label} must be 1 to ${max} characters.`, field);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw badUserInput(`${label} must not contain control characters.`, field);
  return text;
}

/** {@link requiredText}, but empty means "none" (null). */
export function optionalText(value: string | null | undefined, field: string, label: string, max = 100): string | null {
  if (value === null || value === undefined || !value.trim()) return null;
  return requiredText(value, field, label, max);
}

/** E.164 (`+` country code and number, 8–15 digits); spaces, dots, dashes and brackets are dropped first. */
export function normalisePhone(value: string, field: string): string {
  const compact = value.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{7,14}$/.test(compact)) {
    throw badUserInput('Phone must be in international E.164 format, e.g. +6281234567890.', field);
  }
  return compact;
}

/** A BCP 47 language tag (`id-ID`, `en`, `zh-Hant-TW`), returned in canonical case. */
export function normaliseLanguageTag(value: string, field: string, label = 'Locale'): string {
  const tag = value.trim();
  if (tag.length > 35 || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) {
    throw badUserInput(`${label} must be a BCP 47 language tag such as id-ID.`, field);
  }
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw badUserInput(`${label} must be a BCP 47 language tag such as id-ID.`, field);
  }
}

let timeZones: Set<string> | undefined;

/** An IANA time zone the runtime knows (`Asia/Jakarta`); `UTC` too. */
export function assertTimeZone(value: string, field: string): string {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  const zone = value.trim();
  if (!timeZones.has(zone)) throw badUserInput('Time zone must be an IANA time zone such as Asia/Jakarta.', field);
  return zone;
}

/** A calendar date `YYYY-MM-DD`, not in the future and at most {@link MAX_AGE_YEARS} years ago; as UTC midnight. */
export function parseBirthday(value: string, field: string, now = new Date()): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value.trim()) throw badUserInput('Birthday must be a date written YYYY-MM-DD.', field);
  if (date.getTime() > now.getTime()) throw badUserInput('Birthday cannot be in the future.', field);
  const oldest = new Date(Date.UTC(now.getUTCFullYear() - MAX_AGE_YEARS, now.getUTCMonth(), now.getUTCDate()));
  if (date < oldest) throw badUserInput(`Birthday cannot be more than ${MAX_AGE_YEARS} years ago.`, field);
  return date;
}

/** `YYYY-MM-DD` of a date stored as UTC midnight. */
export const formatDate = (date: Date) => date.toISOString().slice(0, 10);
