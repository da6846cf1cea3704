import { describe, expect, it } from 'vitest';
import { errorCodes, graphqlRequest } from '../support/clients';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { asAdmin } from '../support/admin';

const ADDRESS_FIELDS = 'id recipientName line1 line2 city region postalCode countryCode phone isDefaultShipping isDefaultBilling';
const ADD = `mutation ($input: AddressInput!) { addAddress(input: $input) { ${ADDRESS_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateAddressInput!) { updateAddress(id: $id, input: $input) { ${ADDRESS_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteAddress(id: $id) }`;
const SET_DEFAULT = `mutation ($id: ID!, $kind: AddressKind!) { setDefaultAddress(id: $id, kind: $kind) { id isDefaultShipping isDefaultBilling } }`;
const ADDRESSES = `query ($id: ID!) { user(id: $id) { addresses { ${ADDRESS_FIELDS} } } }`;
const PREFERENCES = `query ($id: ID!) { user(id: $id) { preferences { newsletter currency language } } }`;
const UPDATE_PREFERENCES = `mutation ($input: PreferencesInput!) { updatePreferences(input: $input) { newsletter currency language } }`;

const JAKARTA = { recipientName: 'Budi Santoso', line1: 'Jl. Thamrin 10', city: 'Jakarta', region: 'DKI Jakarta', postalCode: '10230', countryCode: 'id' };
const LONDON = { recipientName: 'Jane Doe', line1: '10 Downing St', city: 'London', postalCode: 'sw1a 2aa', countryCode: 'GB', phone: '+44 20 7946 0000' };

async function add(user: SignedIn, input: Record<string, unknown>) {
  const result = await graphqlRequest(ADD, { token: user.accessToken, variables: { input } });
  if (!result.data?.addAddress) throw new Error(`addAddress failed: ${JSON.stringify(result.errors)}`);
  return result.data.addAddress as Record<string, any>;
}
const addressesOf = async (user: SignedIn) =>
  (await graphqlRequest(ADDRESSES, { token: user.accessToken, variables: { id: user.userId } })).data?.user.addresses as Record<string, any>[];

describe('addresses', () => {
  it('adds, changes, lists and deletes addresses; the first is the default of both kinds', async () => {
    const user = await registerCustomer('addresses');
    const home = await add(user, JAKARTA);
    expect(home).toMatchObject({ ...JAKARTA, countryCode: 'ID', line2: null, phone: null, isDefaultShipping: true, isDefaultBilling: true });
    const office = await add(user, LONDON);
    expect(office).toMatchObject({ postalCode: 'SW1A 2AA', phone: '+442079460000', isDefaultShipping: false, isDefaultBilling: false });

    const updated = await graphqlRequest(UPDATE, { token: user.accessToken, variables: { id: office.id, input: { line2: 'Floor 2', city: 'Westminster' } } });
    expect(updated.data?.updateAddress).toMatchObject({ line1: '10 Downing St', line2: 'Floor 2', city: 'Westminster', postalCode: 'SW1A 2AA' });

    expect((await addressesOf(user)).map((address) => address.id)).toEqual([home.id, office.id]);

    // Deleting the default hands the role to the remaining address.
    expect((await graphqlRequest(DELETE, { token: user.accessToken, variables: { id: home.id } })).data).toEqual({ deleteAddress: true });
    expect(await addressesOf(user)).toEqual([expect.objectContaining({ id: office.id, isDefaultShipping: true, isDefaultBilling: true })]);
  });

  it('keeps exactly one default per kind, even under concurrent changes', async () => {
    const user = await registerCustomer('defaults');
    const ids = [];
    for (let index = 0; index < 4; index++) ids.push((await add(user, { ...JAKARTA, line1: `Jl. Thamrin ${index}` })).id);

    const results = await Promise.all(ids.map((id) => graphqlRequest(SET_DEFAULT, { token: user.accessToken, variables: { id, kind: 'SHIPPING' } })));
    expect(results.flatMap(errorCodes)).toEqual([]);
    await graphqlRequest(SET_DEFAULT, { token: user.accessToken, variables: { id: ids[2], kind: 'BILLING' } });

    const addresses = await addressesOf(user);
    expect(addresses.filter((address) => address.isDefaultShipping)).toHaveLength(1);
    expect(addresses.filter((address) => address.isDefaultBilling).map((address) => address.id)).toEqual([ids[2]]);
  });

  it.each([
    ['an unknown country', { countryCode: 'XX' }, 'input.countryCode'],
    ['a three-letter country code', { countryCode: 'IDN' }, 'input.countryCode'],
    ['an Indonesian postal code with letters', { postalCode: '1023A' }, 'input.postalCode'],
    ['a US ZIP with four digits', { countryCode: 'US', postalCode: '9021' }, 'input.postalCode'],
    ['a Dutch postal code without letters', { countryCode: 'NL', postalCode: '1012' }, 'input.postalCode'],
    ['a German postal code with four digits', { countryCode: 'DE', postalCode: '1011' }, 'input.postalCode'],
    ['an empty recipient', { recipientName: ' ' }, 'input.recipientName'],
    ['an empty street', { line1: '' }, 'input.line1'],
    ['a phone number without country code', { phone: '021 555 0000' }, 'input.phone'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, change, field) => {
    const user = await registerCustomer('bad-address');
    const result = await graphqlRequest(ADD, { token: user.accessToken, variables: { input: { ...JAKARTA, ...change } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!.field).toBe(field);
    expect(await addressesOf(user)).toEqual([]);
  });

  it('accepts other countries’ postal codes in their own format', async () => {
    const user = await registerCustomer('countries');
    for (const [countryCode, postalCode] of [['NL', '1012 AB'], ['US', '90210-1234'], ['DE', '10115'], ['BR', '01310-100']]) {
      expect((await add(user, { ...JAKARTA, countryCode, postalCode })).countryCode).toBe(countryCode);
    }
  });

  it('validates an update against the merged address (a new country needs a matching postal code)', async () => {
    const user = await registerCustomer('merged');
    const address = await add(user, JAKARTA);
    const result = await graphqlRequest(UPDATE, { token: user.accessToken, variables: { id: address.id, input: { countryCode: 'GB' } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!.field).toBe('input.postalCode');
  });

  it('allows 20 addresses per user and refuses the 21st with CONFLICT', async () => {
    const user = await registerCustomer('hoarder');
    for (let index = 0; index < 20; index++) await add(user, { ...JAKARTA, line1: `Jl. Thamrin ${index}` });
    const result = await graphqlRequest(ADD, { token: user.accessToken, variables: { input: JAKARTA } });
    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(await addressesOf(user)).toHaveLength(20);
  });
});

describe('ownership of addresses', () => {
  it('hides B’s addresses from A (FORBIDDEN) and treats B’s address ids as unknown to A (NOT_FOUND)', async () => {
    const [a, b] = await Promise.all([registerCustomer('addr-a'), registerCustomer('addr-b')]);
    const address = await add(b, LONDON);

    expect(errorCodes(await graphqlRequest(ADDRESSES, { token: a.accessToken, variables: { id: b.userId } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphqlRequest(UPDATE, { token: a.accessToken, variables: { id: address.id, input: { city: 'Stolen' } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await graphqlRequest(DELETE, { token: a.accessToken, variables: { id: address.id } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await graphqlRequest(SET_DEFAULT, { token: a.accessToken, variables: { id: address.id, kind: 'BILLING' } }))).toEqual(['NOT_FOUND']);
    expect(await addressesOf(b)).toEqual([expect.objectContaining({ id: address.id, city: 'London' })]);

    const admin = await asAdmin();
    const seen = await graphqlRequest(ADDRESSES, { token: admin.accessToken, variables: { id: b.userId } });
    expect(seen.data?.user.addresses).toEqual([expect.objectContaining({ id: address.id })]);
  });
});

describe('preferences', () => {
  it('has defaults, changes what is given, and validates currency and language', async () => {
    const user = await registerCustomer('preferences');
    const read = async () => (await graphqlRequest(PREFERENCES, { token: user.accessToken, variables: { id: user.userId } })).data?.user.preferences;
    expect(await read()).toEqual({ newsletter: false, currency: 'USD', language: 'en' });

    const changed = await graphqlRequest(UPDATE_PREFERENCES, { token: user.accessToken, variables: { input: { currency: 'idr', language: 'id' } } });
    expect(changed.data?.updatePreferences).toEqual({ newsletter: false, currency: 'IDR', language: 'id' });
    await graphqlRequest(UPDATE_PREFERENCES, { token: user.accessToken, variables: { input: { newsletter: true } } });
    expect(await read()).toEqual({ newsletter: true, currency: 'IDR', language: 'id' });

    for (const [input, field] of [[{ currency: 'XYZ' }, 'input.currency'], [{ currency: 'US' }, 'input.currency'], [{ language: 'not a language' }, 'input.language']] as const) {
      const result = await graphqlRequest(UPDATE_PREFERENCES, { token: user.accessToken, variables: { input } });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions!.field).toBe(field);
    }
    expect(await read()).toEqual({ newsletter: true, currency: 'IDR', language: 'id' });
  });

  it('hides B’s preferences from A, shows them to an admin', async () => {
    const [a, b] = await Promise.all([registerCustomer('prefs-a'), registerCustomer('prefs-b')]);
    await graphqlRequest(UPDATE_PREFERENCES, { token: b.accessToken, variables: { input: { currency: 'EUR' } } });
    expect(errorCodes(await graphqlRequest(PREFERENCES, { token: a.accessToken, variables: { id: b.userId } }))).toEqual(['FORBIDDEN']);
    const admin = await asAdmin();
    expect((await graphqlRequest(PREFERENCES, { token: admin.accessToken, variables: { id: b.userId } })).data?.user.preferences.currency).toBe('EUR');
  });
});
