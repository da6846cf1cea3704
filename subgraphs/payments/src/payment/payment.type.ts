import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '#kernel';
import { PaymentStatus } from '../generated/prisma/enums';
import { Order } from '../order/order.type';

export { PaymentStatus };

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description: 'Where a payment is with the payment provider.',
  valuesConfig: {
    PENDING: { description: 'Created; the provider has not confirmed it yet.' },
    AUTHORIZED: { description: 'The provider reserved the amount; it is not collected yet.' },
    CAPTURED: { description: 'The amount was collected.' },
    FAILED: { description: 'Declined or errored; nothing was collected.' },
    CANCELLED: { description: 'Voided before capture; nothing was collected.' },
    REFUNDED: { description: 'Collected, then returned in full.' },
    PARTIALLY_REFUNDED: { description: 'Collected, then part of the amount returned.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An attempt to pay for one order.' })
export class Payment {
  @Field(() => ID, { description: 'Stable identifier of the payment.' })
  id: string;

  @Field(() => PaymentStatus, { description: 'Where the payment is with the provider.' })
  status: PaymentStatus;

  @Field(() => Money, { description: "Amount to collect, copied from the order's total." })
  amount: Money;

  @Field(() => Order, { description: 'The order this payment pays for.' })
  order: Order;

  @Field(() => Date, { description: 'When the payment was created.' })
  createdAt: Date;

  /** The payer (the order's customer); decides who may see the payment. Not exposed. */
  userId: string;
}
