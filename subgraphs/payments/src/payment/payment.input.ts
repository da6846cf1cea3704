import { Field, ID, InputType } from 'type-graphql';
import { badUserInput } from '#kernel';
import { GraphQLSafeInt } from 'graphql-scalars';
import { PaymentMethod } from './payment.type';

/** Bounds of payment inputs, checked before anything reaches the provider. */
export const PAYMENT_LIMITS = { maxKeyLength: 100, maxTokenLength: 200, maxReasonLength: 300 } as const;

/** An idempotency key, trimmed, or BAD_USER_INPUT naming `input.idempotencyKey`. */
export function checkedKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length < 1 || trimmed.length > PAYMENT_LIMITS.maxKeyLength) {
    throw badUserInput(`idempotencyKey must be 1 to ${PAYMENT_LIMITS.maxKeyLength} characters.`, 'input.idempotencyKey');
  }
  return trimmed;
}

@InputType({ description: 'Which order to pay, how, and the key that makes retrying safe.' })
export class CreatePaymentInput {
  @Field(() => ID, { description: 'Your order to pay; it must be waiting for payment (PENDING_PAYMENT). Amount and currency come from it.' })
  orderId: string;

  @Field(() => PaymentMethod, { description: 'How you pay.' })
  method: PaymentMethod;

  @Field(() => String, {
    nullable: true,
    description:
      "The payment provider's token for your payment details, from its client library (never card numbers). " +
      'The simulator takes sim_success (default), sim_decline, sim_timeout, sim_duplicate and sim_out_of_order.',
  })
  paymentToken?: string | null;

  @Field(() => String, {
    description: 'A key made up once per payment attempt (a UUID, say), 1 to 100 characters: the same key returns the same payment.',
  })
  idempotencyKey: string;
}

@InputType({ description: 'A refund of a captured payment (staff).' })
export class RefundPaymentInput {
  @Field(() => ID, { description: 'The payment to refund.' })
  paymentId: string;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: 'Amount to return in minor units; omitted, everything not yet refunded. Never more than was captured minus what was refunded.',
  })
  amount?: number | null;

  @Field(() => String, { nullable: true, description: 'Why, kept with the refund (at most 300 characters).' })
  reason?: string | null;

  @Field(() => String, { description: 'A key made up once per refund, 1 to 100 characters: the same key never refunds twice.' })
  idempotencyKey: string;
}
