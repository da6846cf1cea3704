import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '#kernel';
import { PaymentMethod, PaymentStatus } from '../generated/prisma/enums';
import { Order } from '../order/order.type';
import { User } from '../user/user.type';

export { PaymentMethod, PaymentStatus };

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

registerEnumType(PaymentMethod, {
  name: 'PaymentMethod',
  description: 'How the customer pays; the details stay with the payment provider.',
  valuesConfig: {
    CARD: { description: 'A credit or debit card.' },
    BANK_TRANSFER: { description: 'A bank transfer or virtual account.' },
    E_WALLET: { description: 'An e-wallet.' },
  },
});

@ObjectType({ description: 'Money returned to the customer from a captured payment.' })
export class Refund {
  @Field(() => ID, { description: 'Stable identifier of the refund.' })
  id: string;

  @Field(() => Money, { description: 'Amount returned.' })
  amount: Money;

  @Field(() => String, { nullable: true, description: 'Why, as given by staff or the shop; null when none was given.' })
  reason: string | null;

  @Field(() => User, { nullable: true, description: 'The staff member who refunded (shown to staff only); null when the shop did, e.g. for a cancelled order.' })
  requestedBy: User | null;

  @Field(() => Date, { description: 'When the refund was made.' })
  createdAt: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An attempt to pay for one order.' })
export class Payment {
  @Field(() => ID, { description: 'Stable identifier of the payment.' })
  id: string;

  @Field(() => PaymentStatus, { description: 'Where the payment is with the provider.' })
  status: PaymentStatus;

  @Field(() => PaymentMethod, { description: 'How the customer pays.' })
  method: PaymentMethod;

  @Field(() => String, { description: 'The payment provider handling it, e.g. "simulator".' })
  provider: string;

  @Field(() => Money, { description: "Amount to collect, copied from the order's total." })
  amount: Money;

  @Field(() => Money, { description: 'Amount collected so far (0 until captured).' })
  capturedAmount: Money;

  @Field(() => Money, { description: 'Amount returned so far.' })
  refundedAmount: Money;

  @Field(() => String, { nullable: true, description: 'Why the provider declined it (e.g. "card_declined"); null unless FAILED.' })
  failureReason: string | null;

  // Resolved by PaymentResolver.refunds through a batched DataLoader.
  @Field(() => [Refund], { description: 'Refunds made on it, oldest first.' })
  refunds: Refund[];

  @Field(() => Order, { description: 'The order this payment pays for.' })
  order: Order;

  @Field(() => Date, { description: 'When the payment was created.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When the payment last changed.' })
  updatedAt: Date;

  /** The payer (the order's customer); decides who may see the payment. Not exposed. */
  userId: string;
}
