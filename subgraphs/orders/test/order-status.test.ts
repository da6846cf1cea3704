import { describe, expect, it } from 'vitest';
import { OrderActorKind, OrderStatus } from '../src/generated/prisma/enums';
import { assertTransition, canTransition } from '../src/order/order-status';

const { CUSTOMER, STAFF, SYSTEM } = OrderActorKind;
const ALL = Object.values(OrderStatus);

describe('order state machine', () => {
  it('allows exactly the lifecycle transitions, each to its actors', () => {
    const allowed = ALL.flatMap((from) =>
      ALL.flatMap((to) => [CUSTOMER, STAFF, SYSTEM].filter((actor) => canTransition(from, to, actor)).map((actor) => `${from}->${to}:${actor}`)),
    );
    expect(allowed.sort()).toEqual(
      [
        'PENDING_PAYMENT->PAID:SYSTEM',
        'PENDING_PAYMENT->CANCELLED:CUSTOMER',
        'PENDING_PAYMENT->CANCELLED:STAFF',
        'PENDING_PAYMENT->CANCELLED:SYSTEM',
        'PAID->PROCESSING:STAFF',
        'PAID->CANCELLED:CUSTOMER',
        'PAID->CANCELLED:STAFF',
        'PAID->REFUNDED:SYSTEM',
        'PROCESSING->SHIPPED:STAFF',
        'PROCESSING->CANCELLED:CUSTOMER',
        'PROCESSING->CANCELLED:STAFF',
        'PROCESSING->REFUNDED:SYSTEM',
        'SHIPPED->DELIVERED:STAFF',
        'SHIPPED->REFUNDED:SYSTEM',
        'DELIVERED->REFUNDED:SYSTEM',
      ].sort(),
    );
  });

  it('refuses with CONFLICT, naming what is allowed instead', () => {
    expect(() => assertTransition(OrderStatus.PAID, OrderStatus.DELIVERED, STAFF)).toThrow(/cannot become DELIVERED by staff; it may become PROCESSING or CANCELLED/);
    expect(() => assertTransition(OrderStatus.CANCELLED, OrderStatus.PAID, SYSTEM)).toThrow(/its status is final/);
    try {
      assertTransition(OrderStatus.SHIPPED, OrderStatus.CANCELLED, CUSTOMER);
      expect.unreachable();
    } catch (error) {
      expect((error as { extensions: { code: string } }).extensions.code).toBe('CONFLICT');
    }
    expect(() => assertTransition(OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, SYSTEM)).not.toThrow();
  });
});
