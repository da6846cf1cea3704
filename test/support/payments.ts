import { randomUUID } from 'node:crypto';
import type { SignedIn } from './accounts';
import { graphqlRequest, testEnvironment, type GraphQLResult } from './clients';

export const PAYMENT_FIELDS = `id status method provider failureReason
  amount { amount currency } capturedAmount { amount } refundedAmount { amount }
  refunds { amount { amount } reason requestedBy { id } }
  order { id status }`;

const CREATE = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ${PAYMENT_FIELDS} } }`;
const READ = `query ($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`;
export const VERIFY = `mutation ($id: ID!) { verifyPayment(id: $id) { ${PAYMENT_FIELDS} } }`;
export const REFUND = `mutation ($input: RefundPaymentInput!) { refundPayment(input: $input) { ${PAYMENT_FIELDS} } }`;

/** Sends createPayment as `customer`; a fresh idempotency key and card unless given. */
export function createPayment(
  customer: SignedIn,
  input: { orderId: string; paymentToken?: string | null; idempotencyKey?: string; method?: string },
): Promise<GraphQLResult> {
  return graphqlRequest(CREATE, { token: customer.accessToken, variables: { input: { method: 'CARD', idempotencyKey: randomUUID(), ...input } } });
}

/** The payment as `user` reads it through the gateway. */
export async function readPayment(user: SignedIn, id: string): Promise<Record<string, any> | undefined> {
  return (await graphqlRequest(READ, { token: user.accessToken, variables: { id } })).data?.payment;
}

/** POSTs a webhook delivery to the gateway's `/payments/webhook`, as a provider would. */
export async function postWebhook(body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const url = new URL('/payments/webhook', testEnvironment().gatewayUrl);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.json().catch(() => null) };
}
