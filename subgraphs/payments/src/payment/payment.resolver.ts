import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { PaymentsContext } from '../context';
import type { PaymentService } from './payment.service';
import { Payment } from './payment.type';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(private readonly payments: PaymentService) {}

  @Authorized()
  @Query(() => Payment, {
    nullable: true,
    description: 'A payment by id. Customers see their own payments; staff and admins see all. Errors with NOT_FOUND otherwise.',
  })
  payment(@Arg('id', () => ID, { description: 'Id of the payment.' }) id: string, @Ctx() context: PaymentsContext): Promise<Payment> {
    return this.payments.get(context, id);
  }
}
