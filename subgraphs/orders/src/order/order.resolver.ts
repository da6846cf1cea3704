import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context';
import { OrderConnection } from './order-connection.type';
import type { OrderLifecycleService } from './order-lifecycle.service';
import type { OrderPlacementService } from './order-placement.service';
import { OrdersFilter, PlaceOrderInput } from './order.input';
import { MAX_PAGE_SIZE, type OrderService } from './order.service';
import { Order, OrderStatus, OrderStatusChange } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  constructor(
    private readonly reads: OrderService,
    private readonly placement: OrderPlacementService,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @Authorized()
  @Query(() => Order, {
    nullable: true,
    description: 'An order by id. Customers see their own orders; staff and admins see all. Errors with NOT_FOUND otherwise.',
  })
  order(@Arg('id', () => ID, { description: 'Id of the order.' }) id: string, @Ctx() context: OrdersContext): Promise<Order> {
    return this.reads.get(context, id);
  }

  @Authorized()
  @Query(() => OrderConnection, { description: "The caller's own orders, newest first." })
  myOrders(
    @Arg('first', () => Int, { defaultValue: 20, description: `Orders per page, 1 to ${MAX_PAGE_SIZE}.` }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last order of the previous page.' }) after: string | null,
    @Arg('status', () => OrderStatus, { nullable: true, description: 'Only orders in this status.' }) status: OrderStatus | null,
    @Ctx() context: OrdersContext,
  ): Promise<OrderConnection> {
    return this.reads.myOrders(context, { first, after, status });
  }

  @Authorized('STAFF', 'ADMIN')
  @Query(() => OrderConnection, { description: 'Every order, newest first (staff and admins).' })
  orders(
    @Arg('filter', () => OrdersFilter, { nullable: true, description: 'Conditions every listed order meets.' }) filter: OrdersFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: `Orders per page, 1 to ${MAX_PAGE_SIZE}.` }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last order of the previous page.' }) after: string | null,
  ): Promise<OrderConnection> {
    return this.reads.list(filter, { first, after });
  }

  @Authorized()
  @Mutation(() => Order, {
    description:
      'Places an order for the caller: prices and names are taken from the catalog now, the stock is held until payment, and the order waits ' +
      'for its payment (PENDING_PAYMENT) until `paymentDueAt`. Errors: BAD_USER_INPUT (empty cart, quantity, unknown or unavailable product), ' +
      'NOT_FOUND (address not yours), CONFLICT (out of stock, or the idempotency key reused for another order).',
  })
  placeOrder(@Arg('input', () => PlaceOrderInput, { description: 'The cart, the address and the idempotency key.' }) input: PlaceOrderInput, @Ctx() context: OrdersContext): Promise<Order> {
    return this.placement.place(context, input);
  }

  @Authorized()
  @Mutation(() => Order, {
    description:
      'Cancels an order before it ships: its held stock is released, or put back on hand when it was paid. Customers cancel their own orders; ' +
      'staff any. CONFLICT when the order has shipped or is already final.',
  })
  cancelOrder(
    @Arg('id', () => ID, { description: 'Id of the order.' }) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why, kept in the order history (at most 500 characters).' }) reason: string | null,
    @Ctx() context: OrdersContext,
  ): Promise<Order> {
    return this.lifecycle.cancel(context, id, reason);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Order, {
    description:
      'Moves an order along its lifecycle (staff and admins): PAID → PROCESSING → SHIPPED → DELIVERED, or CANCELLED before it ships. ' +
      'PAID and REFUNDED follow from payments. CONFLICT for any other transition.',
  })
  updateOrderStatus(
    @Arg('id', () => ID, { description: 'Id of the order.' }) id: string,
    @Arg('status', () => OrderStatus, { description: 'The status to move to.' }) status: OrderStatus,
    @Arg('reason', () => String, { nullable: true, description: 'Why, kept in the order history (at most 500 characters).' }) reason: string | null,
    @Ctx() context: OrdersContext,
  ): Promise<Order> {
    return this.lifecycle.updateStatus(context, id, status, reason);
  }

  @FieldResolver(() => [OrderStatusChange])
  history(@Root() order: Order, @Ctx() context: OrdersContext): Promise<OrderStatusChange[]> {
    return this.reads.history(context, order);
  }
}
