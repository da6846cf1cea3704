import { badUserInput, CodedError, conflict, ErrorCode, isEntityId, notFound, type EventOutbox, type Logger } from '#kernel';
import type { PaymentsContext } from '../context';
import type { Payment as PaymentRow, PrismaClient } from '../generated/prisma/client';
import { PaymentStatus } from '../generated/prisma/enums';
import { ProviderRefused, type PaymentProvider } from '../provider/payment-provider';
import { appendLog } from '../transaction-log/transaction-log';
import { PaymentEventType, type PaymentRefunded } from './payment.events';
import { lockPayment, type PaymentsTransaction } from './payment-rows';
import { COLLECTED } from './payment-status';
import { checkedKey, PAYMENT_LIMITS, type RefundPaymentInput } from './payment.input';
import { toPayment } from './payment.service';
import type { Payment } from './payment.type';

/** A refund to make: staff's, or the shop's own for a cancelled order or a rejected payment. */
export interface RefundRequest {
  paymentId: string;
  /** Minor units; undefined refunds everything not yet refunded. */
  amount?: bigint;
  reason: string | null;
  idempotencyKey: string;
  /** Staff member's user id; null when the shop refunds by itself. */
  requestedBy: string | null;
}

/**
 * Refunds captured payments, fully or in parts, never beyond what was captured. The
 * payment's row is locked for the whole refund, the provider call included, so two
 * refunds of one payment cannot both pass the "what is left" check; the provider is
 * asked with an idempotency key derived from ours, so a retry never returns money twice.
 */
export class PaymentRefundService {
  constructor(
    private readonly db: PrismaClient,
    private readonly provider: PaymentProvider,
    private readonly events: EventOutbox,
    private readonly log: Logger,
  ) {}

  /** `refundPayment` (staff). */
  async refundFor(context: PaymentsContext, input: RefundPaymentInput): Promise<Payment> {
    const idempotencyKey = checkedKey(input.idempotencyKey);
    const reason = input.reason?.trim() || null;
    if (reason && reason.length > PAYMENT_LIMITS.maxReasonLength) throw badUserInput(`reason must be at most ${PAYMENT_LIMITS.maxReasonLength} characters.`, 'input.reason');
    if (!isEntityId(input.paymentId)) throw notFound('Payment', input.paymentId);
    const refunded = await this.refund({
      paymentId: input.paymentId,
      ...(input.amount !== null && input.amount !== undefined && { amount: BigInt(input.amount) }),
      reason,
      idempotencyKey,
      requestedBy: context.identity!.userId,
    });
    return toPayment(refunded);
  }

  async refund(request: RefundRequest): Promise<PaymentRow> {
    const payment = await this.db.$transaction(
      async (tx) => {
        const payment = await lockPayment(tx, request.paymentId);
        if (!payment) throw notFound('Payment', request.paymentId);
        const earlier = await tx.refund.findUnique({ where: { paymentId_idempotencyKey: { paymentId: payment.id, idempotencyKey: request.idempotencyKey } } });
        if (earlier) {
          if (request.amount !== undefined && earlier.amount !== request.amount) throw conflict('This idempotency key was already used for a refund of another amount.');
          return payment;
        }
        if (!COLLECTED.includes(payment.status) || !payment.providerRef) {
          throw conflict(`A payment that is ${payment.status} has nothing to refund.`);
        }
        const remaining = payment.capturedAmount - payment.refundedAmount;
        const amount = request.amount ?? remaining;
        if (amount <= 0n) throw badUserInput('amount must be positive.', 'input.amount');
        if (amount > remaining) throw badUserInput(`At most ${remaining} can still be refunded: captured ${payment.capturedAmount}, refunded ${payment.refundedAmount}.`, 'input.amount');

        const providerRequest = { providerRef: payment.providerRef, amount, idempotencyKey: `${payment.id}:${request.idempotencyKey}` };
        // Provider calls are logged outside the transaction: they happened even if it rolls back.
        await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_REQUEST', provider: this.provider.name, payload: { operation: 'refund', ...providerRequest } });
        let refundRef: string;
        try {
          refundRef = (await this.provider.refund(providerRequest)).refundRef;
        } catch (error) {
          await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_RESPONSE', provider: this.provider.name, payload: { operation: 'refund', error: (error as Error).message } });
          if (error instanceof ProviderRefused) throw conflict(`The payment provider refused the refund: ${error.message}`);
          this.log.warn({ err: error, paymentId: payment.id }, 'payment provider unreachable for a refund');
          throw new CodedError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider did not answer; try again with the same idempotency key.');
        }
        await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_RESPONSE', provider: this.provider.name, payload: { operation: 'refund', refundRef, amount } });
        return this.record(tx, payment, { amount, refundRef, idempotencyKey: request.idempotencyKey, reason: request.reason, requestedBy: request.requestedBy });
      },
      // The row lock is held across the provider call (which serializes refunds of one payment).
      { timeout: 20_000, maxWait: 10_000 },
    );
    this.events.published();
    return payment;
  }

  /**
   * A refund the provider reports by webhook. Ours are already recorded (by their provider
   * reference) and change nothing; one made at the provider directly is recorded now.
   */
  async recordReported(tx: PaymentsTransaction, payment: PaymentRow, refundRef: string, amount: bigint): Promise<boolean> {
    if (await tx.refund.findFirst({ where: { paymentId: payment.id, providerRef: refundRef } })) return false;
    const remaining = payment.capturedAmount - payment.refundedAmount;
    if (amount <= 0n || amount > remaining) {
      this.log.error({ paymentId: payment.id, refundRef, amount: String(amount), remaining: String(remaining) }, 'provider reported a refund beyond what is left; ignored');
      return false;
    }
    await this.record(tx, payment, { amount, refundRef, idempotencyKey: `provider:${refundRef}`, reason: 'refunded at the payment provider', requestedBy: null });
    return true;
  }

  private async record(
    tx: PaymentsTransaction,
    payment: PaymentRow,
    refund: { amount: bigint; refundRef: string; idempotencyKey: string; reason: string | null; requestedBy: string | null },
  ): Promise<PaymentRow> {
    // The provider answered a retry with a refund already recorded (its webhook came first): nothing to add.
    if (await tx.refund.findFirst({ where: { paymentId: payment.id, providerRef: refund.refundRef } })) return payment;
    const created = await tx.refund.create({
      data: {
        paymentId: payment.id,
        idempotencyKey: refund.idempotencyKey,
        amount: refund.amount,
        providerRef: refund.refundRef,
        reason: refund.reason,
        requestedBy: refund.requestedBy,
      },
    });
    const refundedAmount = payment.refundedAmount + refund.amount;
    const status = refundedAmount === payment.capturedAmount ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED;
    // Fully refunded, the payment no longer holds the order: it may be paid again while it waits for payment.
    const updated = await tx.payment.update({ where: { id: payment.id }, data: { refundedAmount, status, ...(status === PaymentStatus.REFUNDED && { liveOrderId: null }) } });
    await appendLog(tx, { paymentId: payment.id, kind: 'STATE_CHANGE', provider: payment.provider, payload: { from: payment.status, to: status, refundId: created.id, amount: refund.amount } });
    await this.events.record<PaymentRefunded>(tx, PaymentEventType.refunded, {
      paymentId: payment.id,
      orderId: payment.orderId,
      refundId: created.id,
      amount: refund.amount.toString(),
      currency: payment.currency,
      refundedTotal: refundedAmount.toString(),
      fullyRefunded: status === PaymentStatus.REFUNDED,
    });
    this.log.info({ paymentId: payment.id, refundId: created.id, amount: String(refund.amount), status }, 'payment refunded');
    return updated;
  }
}
