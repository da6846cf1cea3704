import { conflict } from '#kernel';
import { OrderActorKind, OrderStatus } from '../generated/prisma/enums';

/**
 * The order lifecycle as an explicit state machine: for each status, the statuses it may
 * move to and who may make that move. Payment events (the system) decide PAID and
 * REFUNDED; staff move a paid order forward; the customer (or staff, or the unpaid-order
 * timeout) cancels before it ships. CANCELLED and REFUNDED are final.
 */
const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderStatus, readonly OrderActorKind[]>>> = {
  PENDING_PAYMENT: { PAID: ['SYSTEM'], CANCELLED: ['CUSTOMER', 'STAFF', 'SYSTEM'] },
  PAID: { PROCESSING: ['STAFF'], CANCELLED: ['CUSTOMER', 'STAFF'], REFUNDED: ['SYSTEM'] },
  PROCESSING: { SHIPPED: ['STAFF'], CANCELLED: ['CUSTOMER', 'STAFF'], REFUNDED: ['SYSTEM'] },
  SHIPPED: { DELIVERED: ['STAFF'], REFUNDED: ['SYSTEM'] },
  DELIVERED: { REFUNDED: ['SYSTEM'] },
  CANCELLED: {},
  REFUNDED: {},
};

/** Whether `actor` may move an order from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus, actor: OrderActorKind): boolean {
  return TRANSITIONS[from][to]?.includes(actor) ?? false;
}

/** Throws CONFLICT, naming what is allowed, unless `actor` may move the order from `from` to `to`. */
export function assertTransition(from: OrderStatus, to: OrderStatus, actor: OrderActorKind): void {
  if (canTransition(from, to, actor)) return;
  const allowed = (Object.entries(TRANSITIONS[from]) as [OrderStatus, readonly OrderActorKind[]][])
    .filter(([, actors]) => actors.includes(actor))
    .map(([status]) => status);
  const who = actor === OrderActorKind.STAFF ? 'staff' : actor === OrderActorKind.CUSTOMER ? 'the customer' : 'the system';
  const next = allowed.length
    ? `; it may become ${allowed.join(' or ')}.`
    : Object.keys(TRANSITIONS[from]).length
      ? `; ${who} cannot change it any more.`
      : '; its status is final.';
  throw conflict(`An order that is ${from} cannot become ${to} by ${who}${next}`);
}
