/**
 * The shipping-address request orders makes when a customer places an order, over NATS
 * request/reply against the running users subgraph: the snapshot comes back only for the
 * customer's own address; anyone else's and an unknown id look the same (NOT_FOUND).
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomer, type SignedIn } from '../support/accounts';
import { graphqlRequest, testEnvironment } from '../support/clients';

const ADD = `mutation ($input: AddressInput!) { addAddress(input: $input) { id } }`;
const LONDON = { recipientName: 'Jane Doe', line1: '10 Downing St', city: 'London', postalCode: 'sw1a 2aa', countryCode: 'GB', phone: '+44 20 7946 0000' };

type Reply = { ok: true; address: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

let nats: NatsConnection;
let owner: SignedIn;
let addressId: string;
beforeAll(async () => {
  nats = await connect({ servers: testEnvironment().env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  owner = await registerCustomer('address-rpc');
  const added = await graphqlRequest(ADD, { token: owner.accessToken, variables: { input: LONDON } });
  if (!added.data?.addAddress) throw new Error(`addAddress failed: ${JSON.stringify(added.errors)}`);
  addressId = added.data.addAddress.id;
});
afterAll(async () => {
  await nats?.close();
});

async function shippingAddress(body: unknown): Promise<Reply> {
  const subject = `${testEnvironment().env.EVENTS_PREFIX}.rpc.users.shipping-address`;
  const message = await nats.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeout: 20_000 });
  return JSON.parse(new TextDecoder().decode(message.data)) as Reply;
}

describe('shipping address over NATS', () => {
  it("answers the customer's own address with its current snapshot", async () => {
    expect(await shippingAddress({ userId: owner.userId, addressId })).toEqual({
      ok: true,
      address: {
        id: addressId,
        recipientName: 'Jane Doe',
        line1: '10 Downing St',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1A 2AA',
        countryCode: 'GB',
        phone: '+442079460000',
      },
    });
  });

  it("answers NOT_FOUND for another user's address, exactly as for an unknown one", async () => {
    const other = await registerCustomer('address-rpc-other');
    const someoneElses = await shippingAddress({ userId: other.userId, addressId });
    const unknown = await shippingAddress({ userId: owner.userId, addressId: randomUUID() });

    expect(someoneElses).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    // The very same answer both ways, so ids cannot be probed.
    expect(unknown).toEqual(someoneElses);
  });

  it.each([
    ['a short user id', () => ({ userId: 'abc', addressId })],
    ['a missing address id', () => ({ userId: owner.userId })],
    ['an empty address id', () => ({ userId: owner.userId, addressId: '' })],
  ])('refuses %s with BAD_REQUEST', async (_case, body) => {
    expect(await shippingAddress(body())).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses a body that is not JSON with BAD_REQUEST', async () => {
    const subject = `${testEnvironment().env.EVENTS_PREFIX}.rpc.users.shipping-address`;
    const message = await nats.request(subject, new TextEncoder().encode('not json'), { timeout: 20_000 });
    expect(JSON.parse(new TextDecoder().decode(message.data))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
