import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context';
import type { OrderService } from './order.service';
import { Order } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  constructor(private readonly orders: OrderService) {}

  @Authorized()
  @Query(() => Order, {
    nullable: true,
    description: 'An order by id. Customers see their own orders; staff and admins see all. Errors with NOT_FOUND otherwise.',
  })
  order(@Arg('id', () => ID, { description: 'Id of the order.' }) id: string, @Ctx() context: OrdersContext): Promise<Order> {
    return this.orders.get(context, id);
  }
}
