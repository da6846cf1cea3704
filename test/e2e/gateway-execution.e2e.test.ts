import { describe, expect, it } from 'vitest';
import { registerCustomer, ME } from '../support/accounts';
import { graphqlRequest } from '../support/clients';

const ADD = `mutation ($input: AddressInput!) { addAddress(input: $input) { id } }`;
const ADDRESSES = `query ($id: ID!) { user(id: $id) { addresses { id } } }`;
const HOME = { recipientName: 'Budi Santoso', line1: 'Jl. Thamrin 10', city: 'Jakarta', region: 'DKI Jakarta', postalCode: '10230', countryCode: 'ID' };

// The gateway shares one execution among identical queries in flight from one caller
// (gateway/src/execution/shared-queries.ts); these are the guarantees a client relies on.
describe('identical requests in flight', () => {
  it('answer every copy of a query, each caller as itself', async () => {
    const [alice, bob] = await Promise.all([registerCustomer('share-a'), registerCustomer('share-b')]);
    const asAlice = Array.from({ length: 20 }, () => graphqlRequest(ME, { token: alice.accessToken, headers: { 'x-forwarded-for': alice.ip } }));
    const asBob = Array.from({ length: 20 }, () => graphqlRequest(ME, { token: bob.accessToken, headers: { 'x-forwarded-for': alice.ip } }));
    const results = await Promise.all([...asAlice, ...asBob]);
    expect(results.slice(0, 20).map((result) => [result.status, result.data?.me.id])).toEqual(Array(20).fill([200, alice.userId]));
    expect(results.slice(20).map((result) => [result.status, result.data?.me.id])).toEqual(Array(20).fill([200, bob.userId]));
  });

  it('never merge mutations: identical ones sent at once all take effect', async () => {
    const user = await registerCustomer('share-mutation');
    const sent = await Promise.all(
      Array.from({ length: 5 }, () => graphqlRequest(ADD, { token: user.accessToken, headers: { 'x-forwarded-for': user.ip }, variables: { input: HOME } })),
    );
    const ids = sent.map((result) => result.data?.addAddress?.id);
    expect(new Set(ids).size).toBe(5);
    const listed = await graphqlRequest(ADDRESSES, { token: user.accessToken, headers: { 'x-forwarded-for': user.ip }, variables: { id: user.userId } });
    expect(listed.data?.user.addresses.map((address: { id: string }) => address.id).sort()).toEqual([...ids].sort());
  });
});
