import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../src/address/countries';
import { validateAddress } from '../src/address/address-validation';
import { detectImageType } from '../src/avatar/image-type';
import { CURRENCY_CODES } from '../src/preference/currencies';
import { assertTimeZone, normaliseLanguageTag, normalisePhone, parseBirthday } from '../src/user/profile-validation';

const fieldOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { extensions: { code: string; field: string } }).extensions;
  }
  return undefined;
};

describe('profile validation', () => {
  it('normalises phones to E.164 and refuses anything else', () => {
    expect(normalisePhone('+62 (812) 3456-7890', 'p')).toBe('+6281234567890');
    expect(fieldOf(() => normalisePhone('081234567890', 'input.phone'))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.phone' });
    expect(fieldOf(() => normalisePhone('+0123456789', 'p'))).toBeDefined();
  });

  it('canonicalises BCP 47 tags', () => {
    expect(normaliseLanguageTag('id-id', 'l')).toBe('id-ID');
    expect(normaliseLanguageTag('zh-hant-tw', 'l')).toBe('zh-Hant-TW');
    expect(fieldOf(() => normaliseLanguageTag('en_US', 'l'))).toBeDefined();
  });

  it('knows IANA time zones', () => {
    expect(assertTimeZone('Asia/Jakarta', 't')).toBe('Asia/Jakarta');
    expect(assertTimeZone('UTC', 't')).toBe('UTC');
    expect(fieldOf(() => assertTimeZone('Asia/Atlantis', 't'))).toBeDefined();
  });

  it('accepts birthdays from today back to 130 years ago', () => {
    const now = new Date('2025-06-15T12:00:00Z');
    expect(parseBirthday('2025-06-15', 'b', now).toISOString()).toBe('2025-06-15T00:00:00.000Z');
    expect(parseBirthday('1895-06-15', 'b', now).getUTCFullYear()).toBe(1895);
    for (const bad of ['2025-06-16', '1895-06-14', '2023-02-29', '15-06-2000', '']) expect(fieldOf(() => parseBirthday(bad, 'b', now))).toBeDefined();
  });
});

describe('address validation', () => {
  const base = { recipientName: 'A', line1: 'Street 1', city: 'City', postalCode: '10115', countryCode: 'de' };

  it('bundles the ISO lists', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    expect(CURRENCY_CODES.has('IDR') && CURRENCY_CODES.has('EUR')).toBe(true);
  });

  it('checks postal codes per country and generically elsewhere', () => {
    expect(validateAddress(base)).toMatchObject({ countryCode: 'DE', postalCode: '10115', line2: null, phone: null });
    expect(validateAddress({ ...base, countryCode: 'GB', postalCode: 'ec1a 1bb' }).postalCode).toBe('EC1A 1BB');
    expect(validateAddress({ ...base, countryCode: 'FJ', postalCode: 'ABC 12' }).postalCode).toBe('ABC 12');
    expect(fieldOf(() => validateAddress({ ...base, postalCode: '1011' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.postalCode' });
    expect(fieldOf(() => validateAddress({ ...base, countryCode: 'ZZ' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.countryCode' });
  });
});

describe('image type', () => {
  it('is decided by the magic bytes', () => {
    expect(detectImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.extension).toBe('png');
    expect(detectImageType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))?.extension).toBe('jpg');
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.extension).toBe('webp');
    expect(detectImageType(Buffer.from('GIF89a'))).toBeNull();
    expect(detectImageType(Buffer.from('<svg/>'))).toBeNull();
  });
});
