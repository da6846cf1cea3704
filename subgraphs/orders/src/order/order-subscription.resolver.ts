import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { OrdersContext } from '../context';
import type { OrderWatchService, WatchedEvent } from './order-watch.service';
import { OrderStatusChangedEvent } from './order.type';

/**
 * The subscription resolver, made around the watch service: type-graphql's `subscribe`
 * option is a plain function, not a method of a resolver instance, so the service is
 * closed over here (the same pattern type-graphql documents for generic resolvers).
 */
export function orderSubscriptionResolver(watch: OrderWatchService) {
  @Resolver(() => OrderStatusChangedEvent)
  class OrderSubscriptionResolver {
    @Authorized()
    @Subscription(() => OrderStatusChangedEvent, {
      description:
        "Status changes of one order as they happen (its owner, staff and admins), or of every order when `orderId` is omitted (staff and admins). " +
        'Served over graphql-ws; a change made through any instance reaches every subscriber. A watch of one order completes after it becomes ' +
        'CANCELLED or REFUNDED (final); any watch ends with an UNAUTHENTICATED error at the first event after the session is revoked.',
      subscribe: ({ args, context }) => watch.watch(context as OrdersContext, (args as { orderId?: string | null }).orderId),
    })
    orderStatusChanged(
      @Root() event: WatchedEvent,
      @Arg('orderId', () => ID, { nullable: true, description: 'The order to watch; omit to watch every order (staff).' }) _orderId?: string | null,
    ): OrderStatusChangedEvent {
      if (event instanceof Error) throw event;
      return event;
    }
  }
  return OrderSubscriptionResolver;
}
