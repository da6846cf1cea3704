import type { Redis } from 'ioredis';
import { canAccessOwnedBy, CodedError, ErrorCode, forbidden, hasAnyRole, revokedSessionKey } from '#kernel';
import type { OrdersContext } from '../context';
import type { OrderStatusChanged } from './order.events';
import type { OrderStatusFeed } from './order-status.feed';
import type { OrderService } from './order.service';
import { toStatusChange } from './order-rows';
import { OrderStatus, OrderStatusChangedEvent, type Order } from './order.type';

/** Statuses after which an order never changes again. */
const FINAL: readonly string[] = [OrderStatus.CANCELLED, OrderStatus.REFUNDED];

/** What a watcher receives: a change, or the error that ends the subscription. */
export type WatchedEvent = OrderStatusChangedEvent | CodedError;

/**
 * `orderStatusChanged`: who may watch what, checked when subscribing (the order must be
 * visible to the caller; watching every order is for staff) and again for every event
 * (the caller's session must still be valid, the order still theirs), so a revoked
 * session stops receiving at the next event (checked at most a second late).
 */
export class OrderWatchService {
  // Every local subscriber is handed an event within the same tick; a second is ample.
  private readonly reads = sharedForOneSecond<Order | null>();
  private readonly revocations = sharedForOneSecond<boolean>();

  constructor(
    private readonly orders: OrderService,
    private readonly feed: OrderStatusFeed,
    private readonly redis: Redis,
  ) {}

  async watch(context: OrdersContext, orderId: string | null | undefined): Promise<AsyncIterableIterator<WatchedEvent>> {
    // Listening starts before the checks, so a change made meanwhile is not missed.
    const source = this.feed.listen(orderId ?? null);
    try {
      if (orderId) {
        const order = await this.orders.get(context, orderId);
        // Nothing will ever follow a final status: complete at once rather than wait forever.
        if (FINAL.includes(order.status)) await source.return!();
      } else if (!hasAnyRole(context, 'STAFF', 'ADMIN')) {
        throw forbidden('Only staff may watch every order; pass the orderId of your order.');
      }
    } catch (error) {
      await source.return!();
      throw error;
    }
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
        if (await this.sessionRevoked(context.identity!.sessionId)) {
          // Delivered as this event's error, then the subscription completes; a thrown
          // error would instead fail the whole connection, which the gateway shares.
          yield new CodedError(ErrorCode.UNAUTHENTICATED, 'Your session has ended; sign in again to keep watching.');
          return;
        }
        if (!canAccessOwnedBy(context, event.userId)) continue;
        const order = await this.current(event);
        if (!order) continue;
        // The context lives as long as the subscription: its cached histories would go stale and pile up.
        context.loaders.history.clearAll();
        yield Object.assign(new OrderStatusChangedEvent(), {
          order,
          change: toStatusChange({
            fromStatus: event.from,
            toStatus: event.to,
            reason: event.reason,
            actorKind: event.actor.kind,
            actorUserId: event.actor.userId,
            createdAt: new Date(event.changedAt),
          }),
        });
        if (scope === 'one' && FINAL.includes(event.to)) return;
      }
    } finally {
      await events.return?.();
    }
  }

  /**
   * Whether a session was revoked, asked of Redis at most once a second per session: with
   * thousands of subscribers an event would otherwise cost thousands of lookups.
   */
  private sessionRevoked(sessionId: string): Promise<boolean> {
    return this.revocations(sessionId, () => this.redis.exists(revokedSessionKey(sessionId)).then((found) => found > 0));
  }

  /** The order as it is when `event` is delivered; one read per event, however many subscribers in this process receive it. */
  private current(event: OrderStatusChanged): Promise<Order | null> {
    return this.reads(`${event.orderId}@${event.changedAt}@${event.to}`, () => this.orders.findCurrent(event.orderId));
  }
}

/** A lookup whose answer, per key, is shared by every caller within one second. */
function sharedForOneSecond<T>(): (key: string, load: () => Promise<T>) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  return (key, load) => {
    let answer = answers.get(key);
    if (!answer) {
      answer = load();
      answers.set(key, answer);
      setTimeout(() => answers.delete(key), 1_000).unref();
    }
    return answer;
  };
}
