import { PaymentStatus } from '../generated/prisma/enums';
import type { ProviderEvent } from '../provider/payment-provider';

/**
 * How provider events move a payment. Payments only move forward: PENDING → AUTHORIZED →
 * CAPTURED, or PENDING/AUTHORIZED → FAILED/CANCELLED. An event that would move one back
 * (an AUTHORIZED arriving after CAPTURED, a FAILED after capture) is stale and ignored,
 * so out-of-order webhooks converge on the same state. One exception, because money is
 * at stake: a capture after a failure is recorded (providers may retry a failed intent),
 * and its order then rejects it for a refund. Refunds are not status events here: they
 * change amounts (see PaymentRefundService).
 */
const NEXT: Record<Exclude<ProviderEvent['type'], 'REFUNDED'>, { from: readonly PaymentStatus[]; to: PaymentStatus }> = {
  AUTHORIZED: { from: [PaymentStatus.PENDING], to: PaymentStatus.AUTHORIZED },
  CAPTURED: { from: [PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, PaymentStatus.FAILED, PaymentStatus.CANCELLED], to: PaymentStatus.CAPTURED },
  FAILED: { from: [PaymentStatus.PENDING, PaymentStatus.AUTHORIZED], to: PaymentStatus.FAILED },
  CANCELLED: { from: [PaymentStatus.PENDING, PaymentStatus.AUTHORIZED], to: PaymentStatus.CANCELLED },
};

/** The status `event` moves a payment in `current` to, or null when it does not apply (stale or repeated). */
export function nextStatus(current: PaymentStatus, event: Exclude<ProviderEvent['type'], 'REFUNDED'>): PaymentStatus | null {
  const rule = NEXT[event];
  return rule.from.includes(current) ? rule.to : null;
}

/** Statuses in which money has been collected (and may be refunded). */
export const COLLECTED: readonly PaymentStatus[] = [PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED];

/** Statuses of a payment that ended without collecting anything: the order may be paid another way. */
export const UNCOLLECTED_FINAL: readonly PaymentStatus[] = [PaymentStatus.FAILED, PaymentStatus.CANCELLED];
