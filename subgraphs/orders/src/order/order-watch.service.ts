import type { Redis } from 'ioredis';
import { canAccessOwnedBy, CodedError, ErrorCode, forbidden, hasAnyRole, revokedSessionKey } from '#kernel';
import type { OrdersContext } from '../context';
import type { OrderStatusChanged } from './order.events';
import type { OrderStatusFeed } from './order-status.feed';
import type { OrderService } from './order.service';
import { OrderStatus, OrderStatusChange, OrderStatusChangedEvent } from './order.type';
import { User } from '../user/user.type';

const FINAL: readonly string[] = [OrderStatus.CANCELLED, OrderStatus.REFUNDED];

/** What a watcher receives: a change, or the error that ends the subscription. */
export type WatchedEvent = OrderStatusChangedEvent | CodedError;

/**
 * `orderStatusChanged`: who may watch what, checked when subscribing (the order must be
 * visible to the caller; watching every order is for staff) and again for every event
 * (the caller's session must still be valid, the order still theirs), so a revoked
 * session stops receiving at the next event.
 */
export class OrderWatchService {
  constructor(
    private readonly orders: OrderService,
    private readonly feed: OrderStatusFeed,
    private readonly redis: Redis,
  ) {}

  async watch(context: OrdersContext, orderId: string | null | undefined): Promise<AsyncIterableIterator<WatchedEvent>> {
    if (orderId) await this.orders.get(context, orderId);
    else if (!hasAnyRole(context, 'STAFF', 'ADMIN')) throw forbidden('Only staff may watch every order; pass the orderId of your order.');
    const source = this.feed.listen(orderId ?? null);
    const events = this.authorized(context, source, orderId ? 'one' : 'all');
    // An async generator's return() waits for its pending next(); detaching the source
    // first ends that wait, so an unsubscribe frees the listener at once.
    const iterator: AsyncIterableIterator<WatchedEvent> = {
      next: () => events.next(),
      return: async () => {
        await source.return!();
        return events.return(undefined);
      },
      throw: async (error: unknown) => {
        await source.return!();
        return events.throw(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async *authorized(context: OrdersContext, events: AsyncIterableIterator<OrderStatusChanged>, scope: 'one' | 'all'): AsyncGenerator<WatchedEvent> {
    try {
      for await (const event of events) {
        if (await this.redis.exists(revokedSessionKey(context.identity!.sessionId))) {
          // Delivered as this event's error, then the subscription completes; a thrown
          // error would instead fail the whole connection, which the gateway shares.
          yield new CodedError(ErrorCode.UNAUTHENTICATED, 'Your session has ended; sign in again to keep watching.');
          return;
        }
        if (!canAccessOwnedBy(context, event.userId)) continue;
        const order = await this.orders.findCurrent(event.orderId);
        if (!order) continue;
        yield Object.assign(new OrderStatusChangedEvent(), {
          order,
          change: Object.assign(new OrderStatusChange(), {
            from: event.from,
            to: event.to,
            reason: event.reason,
            actor: event.actor.kind,
            changedBy: event.actor.userId ? Object.assign(new User(), { id: event.actor.userId }) : null,
            changedAt: new Date(event.changedAt),
          }),
        });
        // Nothing follows a final status: a watch of one order completes after it.
        if (scope === 'one' && FINAL.includes(event.to)) return;
      }
    } finally {
      await events.return?.();
    }
  }
}
