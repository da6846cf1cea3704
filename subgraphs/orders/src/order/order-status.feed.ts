import type { NatsConnection, Subscription } from 'nats';
import type { PubSub } from 'type-graphql';
import { eventStream, eventSubject, parseEventEnvelope, type BackgroundWorker, type Logger } from '#kernel';
import { OrderEventType, type OrderStatusChanged } from './order.events';

/** Events a slow subscriber may fall behind by; older ones are dropped for it (with a warning). */
const MAX_QUEUED = 100;
const ALL_ORDERS = '*';

type Listener = (event: OrderStatusChanged) => void;

/**
 * Live `order.status_changed` events for this process's GraphQL subscribers. ONE core
 * NATS subscription per process, on the subject the outbox relay publishes to, so a
 * change committed by any orders instance reaches subscribers on every instance;
 * in-process fan-out by order id keeps the cost per event independent of how many
 * subscribers watch other orders. Live only: an event published while nobody listens
 * is not replayed (the order's history has it).
 *
 * It is type-graphql's PubSub for the schema; publishing goes through the outbox only.
 */
export class OrderStatusFeed implements PubSub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnection,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  start(): BackgroundWorker {
    const subject = eventSubject(eventStream(this.prefix, 'orders'), OrderEventType.statusChanged);
    this.subscription = this.nats.subscribe(subject, {
      callback: (error, message) => {
        if (error) return this.log.error({ err: error, subject }, 'order status feed failed');
        try {
          const event = parseEventEnvelope(message.data).data as OrderStatusChanged;
          for (const key of [event.orderId, ALL_ORDERS]) for (const listener of this.listeners.get(key) ?? []) listener(event);
        } catch (parseError) {
          this.log.warn({ err: parseError, subject }, 'ignored a malformed order status event');
        }
      },
    });
    return { name: 'order status feed', stop: async () => void (await this.subscription?.drain()) };
  }

  /** Subscribers listening in this process. */
  get size(): number {
    let size = 0;
    for (const set of this.listeners.values()) size += set.size;
    return size;
  }

  /**
   * Status changes of one order (or of every order with null), from now on, until the
   * iterator's `return()` (the client unsubscribed or disconnected), which detaches it at once.
   */
  listen(orderId: string | null): AsyncIterableIterator<OrderStatusChanged> {
    const key = orderId ?? ALL_ORDERS;
    const queue: OrderStatusChanged[] = [];
    let waiting: ((result: IteratorResult<OrderStatusChanged>) => void) | undefined;
    let done = false;
    const listener: Listener = (event) => {
      if (waiting) {
        waiting({ value: event, done: false });
        waiting = undefined;
        return;
      }
      if (queue.length >= MAX_QUEUED) {
        queue.shift();
        this.log.warn({ orderId: key }, 'a subscriber fell behind; dropped its oldest order status event');
      }
      queue.push(event);
    };
    const set = this.listeners.get(key) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(key, set);
    const detach = () => {
      done = true;
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        detach();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (error: unknown) => {
        detach();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  publish(): void {
    throw new Error('order status events are published through the outbox, not the PubSub');
  }

  subscribe(_topic: string, orderId?: unknown): AsyncIterable<OrderStatusChanged> {
    return this.listen(typeof orderId === 'string' ? orderId : null);
  }
}
