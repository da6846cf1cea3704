import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GATEWAY_SIGNATURE_HEADER, signGatewayRequest, type ForwardedCaller } from '#kernel';
import { errorCodes, graphqlRequest, testEnvironment } from '../support/clients';

/**
 * Subgraphs trust only the gateway: a request that reaches one directly, without the
 * gateway's signature over its exact body, gets 401 and nothing else.
 */
const ORDER = /* GraphQL */ `query ($id: ID!) { order(id: $id) { id } }`;
const NOT_THROUGH_GATEWAY = {
  errors: [{ message: 'Requests must come through the gateway.', extensions: { code: 'UNAUTHENTICATED' } }],
};

const ordersOrigin = () => `http://127.0.0.1:${testEnvironment().env.ORDERS_PORT}`;
const staff: ForwardedCaller = { identity: { userId: randomUUID(), roles: ['STAFF'], sessionId: randomUUID() }, clientIp: '198.51.100.7' };
const orderBody = (id = randomUUID()) => JSON.stringify({ query: ORDER, variables: { id } });

/** POSTs `body` straight to the orders subgraph, as an attacker inside the network could. */
async function postToOrders(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${ordersOrigin()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('a subgraph called directly, not through the gateway', () => {
  it('refuses a request without the gateway signature', async () => {
    const result = await postToOrders(orderBody());
    expect(result).toEqual({ status: 401, body: NOT_THROUGH_GATEWAY });
  });

  it('refuses a GET without the signature (no Sandbox, no introspection from outside)', async () => {
    const response = await fetch(`${ordersOrigin()}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(NOT_THROUGH_GATEWAY);
  });

  it('refuses an identity signed with another secret', async () => {
    const body = orderBody();
    const forged = signGatewayRequest(staff, body, 'a-guessed-secret-that-is-long-enough-000000');
    expect(await postToOrders(body, { [GATEWAY_SIGNATURE_HEADER]: forged })).toEqual({ status: 401, body: NOT_THROUGH_GATEWAY });
  });

  it('refuses a captured signature replayed with another body', async () => {
    const { GATEWAY_SECRET } = testEnvironment().env;
    const original = orderBody();
    const captured = signGatewayRequest(staff, original, GATEWAY_SECRET!);

    // The captured header is genuine: with its own body the subgraph serves the staff member.
    const genuine = await postToOrders(original, { [GATEWAY_SIGNATURE_HEADER]: captured });
    expect(genuine.status).toBe(200);
    expect(genuine.body.errors?.map((error: any) => error.extensions?.code)).toEqual(['NOT_FOUND']);

    const replayed = await postToOrders(orderBody(), { [GATEWAY_SIGNATURE_HEADER]: captured });
    expect(replayed).toEqual({ status: 401, body: NOT_THROUGH_GATEWAY });
  });

  it('refuses a genuine signature more than a minute old', async () => {
    const body = orderBody();
    const old = signGatewayRequest(staff, body, testEnvironment().env.GATEWAY_SECRET!, Date.now() - 120_000);
    expect(await postToOrders(body, { [GATEWAY_SIGNATURE_HEADER]: old })).toEqual({ status: 401, body: NOT_THROUGH_GATEWAY });
  });

  it('keeps /health and /ready open', async () => {
    expect((await fetch(`${ordersOrigin()}/health`)).status).toBe(200);
    expect((await fetch(`${ordersOrigin()}/ready`)).status).toBe(200);
  });
});

describe('the gateway', () => {
  it('never passes on a signature header its client sent', async () => {
    // Even a genuinely signed header (say, leaked from a log) is replaced by the gateway's own.
    const { GATEWAY_SECRET } = testEnvironment().env;
    const id = randomUUID();
    const smuggled = signGatewayRequest(staff, JSON.stringify({ query: ORDER, variables: { id } }), GATEWAY_SECRET!);
    const result = await graphqlRequest(ORDER, { variables: { id }, headers: { [GATEWAY_SIGNATURE_HEADER]: smuggled } });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});
