import { badUserInput } from '#kernel';
import { normalisePhone, optionalText, requiredText } from '../user/profile-validation';
import { COUNTRY_CODES, GENERIC_POSTAL_CODE, POSTAL_CODE_PATTERNS } from './countries';

/** The fields of an address as stored, after validation. */
export interface AddressFields {
  recipientName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  countryCode: string;
  phone: string | null;
}

/** The same fields as a client sends them (before trimming and checks). */
export type AddressDraft = { [K in keyof AddressFields]?: string | null };

/**
 * Validates a whole address; `prefix` is the input path (`input`). The postal code is
 * checked against the country's format, so both are validated together even when an
 * update changes only one of them.
 */
export function validateAddress(draft: AddressDraft, prefix = 'input'): AddressFields {
  const at = (name: string) => `${prefix}.${name}`;
  const countryCode = (draft.countryCode ?? '').trim().toUpperCase();
  if (!COUNTRY_CODES.has(countryCode)) throw badUserInput('Country must be an ISO 3166-1 alpha-2 code such as ID.', at('countryCode'));
  const postalCode = (draft.postalCode ?? '').trim().toUpperCase();
  const pattern = POSTAL_CODE_PATTERNS[countryCode] ?? GENERIC_POSTAL_CODE;
  if (!pattern.test(postalCode)) throw badUserInput(`Postal code is not valid for ${countryCode}.`, at('postalCode'));
  return {
    recipientName: requiredText(draft.recipientName ?? '', at('recipientName'), 'Recipient name'),
    line1: requiredText(draft.line1 ?? '', at('line1'), 'Address line 1', 200),
    line2: optionalText(draft.line2, at('line2'), 'Address line 2', 200),
    city: requiredText(draft.city ?? '', at('city'), 'City'),
    region: optionalText(draft.region, at('region'), 'Region'),
    postalCode,
    countryCode,
    phone: draft.phone?.trim() ? normalisePhone(draft.phone, at('phone')) : null,
  };
}
