import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import type { PaymentCreationService } from './payment-creation.service';
import type { PaymentRefundService } from './payment-refund.service';
import type { PaymentSettlementService } from './payment-settlement.service';
import { CreatePaymentInput, RefundPaymentInput } from './payment.input';
import type { PaymentService } from './payment.service';
import { Payment, Refund } from './payment.type';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly payments: PaymentService,
    private readonly creation: PaymentCreationService,
    private readonly settlement: PaymentSettlementService,
    private readonly refunding: PaymentRefundService,
  ) {}

  @Authorized()
  @Query(() => Payment, {
    nullable: true,
    description: 'A payment by id. Customers see their own payments; staff and admins see all. Errors with NOT_FOUND otherwise.',
  })
  payment(@Arg('id', () => ID, { description: 'Id of the payment.' }) id: string, @Ctx() context: PaymentsContext): Promise<Payment> {
    return this.payments.get(context, id);
  }

  @Authorized()
  @Mutation(() => Payment, {
    description:
      'Starts paying your order with the payment provider; the result arrives by the provider\u2019s webhook (watch the order, or verifyPayment). ' +
      'Errors: NOT_FOUND (not your order), CONFLICT (the order is not waiting for payment, already has a payment in progress, or the key was used ' +
      'for another payment), BAD_USER_INPUT (the provider refused the token), SERVICE_UNAVAILABLE (retry with the same key).',
  })
  createPayment(@Arg('input', () => CreatePaymentInput, { description: 'The order, the method and the idempotency key.' }) input: CreatePaymentInput, @Ctx() context: PaymentsContext): Promise<Payment> {
    return this.creation.create(context, input);
  }

  @Authorized()
  @Mutation(() => Payment, { description: 'Asks the provider where the payment really is and applies it (for a webhook that never came). Payer or staff.' })
  verifyPayment(@Arg('id', () => ID, { description: 'Id of the payment.' }) id: string, @Ctx() context: PaymentsContext): Promise<Payment> {
    return this.settlement.verify(context, id);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Payment, {
    description:
      'Returns money from a captured payment (staff and admins): part or all of what is left, never more. The same key never refunds twice. ' +
      'A full refund makes the order REFUNDED.',
  })
  refundPayment(@Arg('input', () => RefundPaymentInput, { description: 'The payment, the amount and the idempotency key.' }) input: RefundPaymentInput, @Ctx() context: PaymentsContext): Promise<Payment> {
    return this.refunding.refundFor(context, input);
  }

  @FieldResolver(() => [Refund])
  refunds(@Root() payment: Payment, @Ctx() context: PaymentsContext): Promise<Refund[]> {
    return this.payments.refunds(context, payment);
  }
}
