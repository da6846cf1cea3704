import { describe, expect, it } from 'vitest';
import { errorCodes, graphqlRequest } from '../support/clients';
import { registerCustomer } from '../support/accounts';
import { asAdmin, eventually } from '../support/admin';

const PROFILE_FIELDS = 'id displayName phone locale timezone birthday avatarUrl status';
const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { ${PROFILE_FIELDS} } }`;
const UPDATE_USER = `mutation ($id: ID!, $input: UpdateProfileInput!) { updateUser(id: $id, input: $input) { ${PROFILE_FIELDS} } }`;
const USER = `query ($id: ID!) { user(id: $id) { ${PROFILE_FIELDS} } }`;
const ME_JOINED = `{ me { id email roles displayName locale addresses { city } preferences { currency } } }`;

describe('profile', () => {
  it('lets a user change their own profile and reads the change back at once (cache invalidated)', async () => {
    const user = await registerCustomer('profile');
    // Read first so the profile is in the cache; the update must not be hidden by it.
    await eventually(async () => (await graphqlRequest(USER, { token: user.accessToken, variables: { id: user.userId } })).data?.user.displayName);

    const input = { displayName: '  Siti Rahma ', phone: '+62 812-3456-7890', locale: 'id-id', timezone: 'Asia/Jakarta', birthday: '1990-04-21' };
    const updated = await graphqlRequest(UPDATE_PROFILE, { token: user.accessToken, variables: { input } });
    const expected = {
      id: user.userId,
      displayName: 'Siti Rahma',
      phone: '+6281234567890',
      locale: 'id-ID',
      timezone: 'Asia/Jakarta',
      birthday: '1990-04-21',
      avatarUrl: null,
      status: 'ACTIVE',
    };
    expect(updated.data?.updateProfile).toEqual(expected);
    for (let read = 0; read < 2; read++) {
      expect((await graphqlRequest(USER, { token: user.accessToken, variables: { id: user.userId } })).data?.user).toEqual(expected);
    }

    // Omitted fields stay; null clears.
    const cleared = await graphqlRequest(UPDATE_PROFILE, { token: user.accessToken, variables: { input: { phone: null } } });
    expect(cleared.data?.updateProfile).toEqual({ ...expected, phone: null });
    expect((await graphqlRequest(USER, { token: user.accessToken, variables: { id: user.userId } })).data?.user.phone).toBeNull();
  });

  it.each([
    ['an empty display name', { displayName: '  ' }, 'input.displayName'],
    ['a removed display name', { displayName: null }, 'input.displayName'],
    ['a phone number without country code', { phone: '0812345678' }, 'input.phone'],
    ['a phone number with letters', { phone: '+62 812 CALL ME' }, 'input.phone'],
    ['a locale that is no BCP 47 tag', { locale: 'english please' }, 'input.locale'],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'input.timezone'],
    ['a birthday in the future', { birthday: '2999-01-01' }, 'input.birthday'],
    ['a birthday 200 years ago', { birthday: '1820-01-01' }, 'input.birthday'],
    ['an impossible date', { birthday: '2001-02-30' }, 'input.birthday'],
    ['a date in another format', { birthday: '21/04/1990' }, 'input.birthday'],
  ])('refuses %s with BAD_USER_INPUT naming the field, changing nothing', async (_case, input, field) => {
    const user = await registerCustomer('invalid-profile');
    await graphqlRequest(UPDATE_PROFILE, { token: user.accessToken, variables: { input: { timezone: 'Europe/Berlin' } } });
    const result = await graphqlRequest(UPDATE_PROFILE, { token: user.accessToken, variables: { input: { locale: 'de-DE', ...input } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!.field).toBe(field);
    const after = await graphqlRequest(USER, { token: user.accessToken, variables: { id: user.userId } });
    expect(after.data?.user).toMatchObject({ timezone: 'Europe/Berlin', locale: null });
  });

  it('refuses updateProfile without signing in', async () => {
    expect(errorCodes(await graphqlRequest(UPDATE_PROFILE, { variables: { input: { displayName: 'Ghost' } } }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('ownership of profiles', () => {
  it('never shows user A another user’s personal fields, and A cannot change them', async () => {
    const [a, b] = await Promise.all([registerCustomer('owner-a'), registerCustomer('owner-b')]);
    await graphqlRequest(UPDATE_PROFILE, { token: b.accessToken, variables: { input: { phone: '+4915112345678' } } });

    const read = await graphqlRequest(USER, { token: a.accessToken, variables: { id: b.userId } });
    expect(errorCodes(read)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(read)).not.toContain('4915112345678');
    // The only way to change a profile as a customer is one's own: updateUser is ADMIN only.
    const write = await graphqlRequest(UPDATE_USER, { token: a.accessToken, variables: { id: b.userId, input: { displayName: 'Hijacked' } } });
    expect(errorCodes(write)).toEqual(['FORBIDDEN']);
    expect((await graphqlRequest(USER, { token: b.accessToken, variables: { id: b.userId } })).data?.user.displayName).not.toBe('Hijacked');
  });

  it('lets an admin read and change anyone’s profile, with the same validation', async () => {
    const [admin, customer] = await Promise.all([asAdmin(), registerCustomer('managed')]);
    const changed = await graphqlRequest(UPDATE_USER, { token: admin.accessToken, variables: { id: customer.userId, input: { displayName: 'Renamed by admin' } } });
    expect(changed.data?.updateUser).toMatchObject({ id: customer.userId, displayName: 'Renamed by admin' });
    expect((await graphqlRequest(USER, { token: admin.accessToken, variables: { id: customer.userId } })).data?.user.displayName).toBe('Renamed by admin');
    expect((await graphqlRequest(USER, { token: customer.accessToken, variables: { id: customer.userId } })).data?.user.displayName).toBe('Renamed by admin');

    const invalid = await graphqlRequest(UPDATE_USER, { token: admin.accessToken, variables: { id: customer.userId, input: { timezone: 'Nowhere/Land' } } });
    expect(errorCodes(invalid)).toEqual(['BAD_USER_INPUT']);
    expect(invalid.errors![0]!.extensions!.field).toBe('input.timezone');
    const unknown = await graphqlRequest(UPDATE_USER, {
      token: admin.accessToken,
      variables: { id: '01900000-0000-7000-8000-000000000000', input: { displayName: 'Nobody' } },
    });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });
});

describe('one User across auth and users', () => {
  it('answers me { email roles displayName addresses { city } } in one response', async () => {
    const user = await registerCustomer('joined-me');
    await graphqlRequest(`mutation ($input: AddressInput!) { addAddress(input: $input) { id } }`, {
      token: user.accessToken,
      variables: { input: { recipientName: 'Me', line1: 'Jl. Sudirman 1', city: 'Jakarta', postalCode: '10220', countryCode: 'ID' } },
    });
    const me = await eventually(async () => {
      const result = await graphqlRequest(ME_JOINED, { token: user.accessToken });
      return result.data?.me.displayName ? result : null;
    });
    expect(me!.errors).toBeUndefined();
    expect(me!.data?.me).toEqual({
      id: user.userId,
      email: user.email,
      roles: ['CUSTOMER'],
      displayName: 'Test joined-me',
      locale: null,
      addresses: [{ city: 'Jakarta' }],
      preferences: { currency: 'USD' },
    });
  });
});
