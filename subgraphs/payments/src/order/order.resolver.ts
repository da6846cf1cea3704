import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import type { PaymentService } from '../payment/payment.service';
import { Payment } from '../payment/payment.type';
import { Order } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  constructor(private readonly payments: PaymentService) {}

  @FieldResolver(() => Payment, {
    nullable: true,
    description: "The order's most recent payment, if any (null when there is none or you may not see it).",
  })
  payment(@Root() order: Order, @Ctx() context: PaymentsContext): Promise<Payment | null> {
    return this.payments.findLatestOfOrder(context, order.id);
  }
}
