import type { IncomingHttpHeaders } from 'node:http';
import { canAccessOwnedBy, CodedError, ErrorCode, notFound, type EventOutbox, type Logger } from '#kernel';
import type { PaymentsContext } from '../context';
import type { Payment as PaymentRow, PrismaClient } from '../generated/prisma/client';
import { PaymentStatus } from '../generated/prisma/enums';
import { WebhookRejected, type PaymentProvider, type ProviderEvent } from '../provider/payment-provider';
import { appendLog } from '../transaction-log/transaction-log';
import { PaymentEventType, type PaymentFailed, type PaymentSucceeded } from './payment.events';
import type { PaymentRefundService } from './payment-refund.service';
import { lockPaymentByRef, type PaymentsTransaction } from './payment-rows';
import { COLLECTED, nextStatus } from './payment-status';
import { toPayment } from './payment.service';
import type { Payment } from './payment.type';

/** What applying one provider event did; `retry` asks the provider to send it again later. */
export type Settlement = 'applied' | 'duplicate' | 'stale' | 'retry';

/** A refund holds its payment's row across the provider call; an event for that payment waits for it. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 25_000 } as const;

/** Rolls an event's transaction back without recording it, so the provider's retry is applied later. */
class NotYet extends Error {}

/**
 * Applies what the provider says happened: webhook deliveries (verified first) and the
 * answers of verifyPayment. Each provider event is applied at most once (its id goes into
 * `provider_events` in the same transaction as its effect), payments only move forward
 * (see payment-status.ts), and every delivery is written to the transaction log.
 */
export class PaymentSettlementService {
  constructor(
    private readonly db: PrismaClient,
    private readonly provider: PaymentProvider,
    private readonly refunds: PaymentRefundService,
    private readonly events: EventOutbox,
    private readonly log: Logger,
  ) {}

  /** `POST /payments/webhook`: the HTTP status and body to answer the provider with. */
  async receiveWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): Promise<{ status: number; body: unknown }> {
    let events: ProviderEvent[];
    try {
      events = this.provider.parseWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof WebhookRejected)) throw error;
      this.log.warn({ reason: error.reason, status: error.status }, 'refused a payment webhook');
      return { status: error.status, body: { error: error.status === 401 ? 'invalid signature' : 'malformed payload' } };
    }
    for (const event of events) {
      // A webhook can beat the answer of createIntent, a refund its capture: the provider retries it.
      if ((await this.apply(event)) === 'retry') return { status: 409, body: { error: 'not applicable yet; retry later' } };
    }
    return { status: 200, body: { received: true } };
  }

  /** Applies one provider event once; a second delivery of the same event id changes nothing. */
  async apply(event: ProviderEvent): Promise<Settlement> {
    let outcome: Settlement;
    try {
      outcome = await this.db.$transaction(async (tx) => {
        const payment = await lockPaymentByRef(tx, this.provider.name, event.providerRef);
        if (!payment) return 'retry';
        if (await tx.providerEvent.findUnique({ where: { provider_eventId: { provider: this.provider.name, eventId: event.eventId } } })) return 'duplicate';
        await tx.providerEvent.create({ data: { provider: this.provider.name, eventId: event.eventId, paymentId: payment.id } });
        await appendLog(tx, { paymentId: payment.id, kind: 'WEBHOOK', provider: this.provider.name, payload: event.raw });
        return (await this.settle(tx, payment, event)) ? 'applied' : 'stale';
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      if (error instanceof NotYet) return 'retry';
      // The same event delivered twice at once: the other delivery recorded it first.
      if ((error as { code?: string }).code === 'P2002') return 'duplicate';
      throw error;
    }
    if (outcome === 'applied') this.events.published();
    this.log.info({ eventId: event.eventId, type: event.type, providerRef: event.providerRef, outcome }, 'payment provider event');
    return outcome;
  }

  /** `verifyPayment`: the payer's or staff's payment, reconciled with the provider. */
  async verify(context: PaymentsContext, id: string): Promise<Payment> {
    const payment = await this.db.payment.findUnique({ where: { id } });
    if (!payment || !canAccessOwnedBy(context, payment.userId)) throw notFound('Payment', id);
    // Nothing the provider could say moves a fully refunded payment: no call for it.
    if (payment.status !== PaymentStatus.REFUNDED) await this.reconcile(payment);
    return toPayment(await this.db.payment.findUniqueOrThrow({ where: { id } }));
  }

  /**
   * Reconciles payments still open after `olderThanMs` (their webhook was lost, or never
   * sent); returns how many moved. Run periodically, and for the open payments of an
   * order that was cancelled unpaid, so money a provider did collect is found and refunded.
   */
  async reconcileOpen(where: { olderThanMs?: number; orderId?: string } = {}, limit = 20): Promise<number> {
    const open = await this.db.payment.findMany({
      where: {
        status: { in: [PaymentStatus.PENDING, PaymentStatus.AUTHORIZED] },
        providerRef: { not: null },
        ...(where.orderId && { orderId: where.orderId }),
        ...(where.olderThanMs !== undefined && { updatedAt: { lt: new Date(Date.now() - where.olderThanMs) } }),
      },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    let moved = 0;
    for (const payment of open) {
      try {
        if ((await this.reconcile(payment)) === 'applied') moved++;
      } catch (error) {
        this.log.warn({ err: error, paymentId: payment.id }, 'could not reconcile a payment; trying again later');
      }
    }
    return moved;
  }

  /** Asks the provider for the truth about a payment and applies it, for a webhook that never came. */
  async reconcile(payment: PaymentRow): Promise<Settlement | undefined> {
    if (!payment.providerRef) return;
    await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_REQUEST', provider: this.provider.name, payload: { operation: 'retrieve', providerRef: payment.providerRef } });
    let state;
    try {
      state = await this.provider.retrieve(payment.providerRef);
    } catch (error) {
      this.log.warn({ err: error, paymentId: payment.id }, 'payment provider unreachable for a verification');
      throw new CodedError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider did not answer; try again shortly.');
    }
    await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_RESPONSE', provider: this.provider.name, payload: { operation: 'retrieve', ...state } });
    if (state.status === 'PENDING') return;
    // One synthetic event per reconciled status, so verifying again applies nothing twice.
    return this.apply({
      eventId: `verify:${payment.id}:${state.status}`,
      providerRef: payment.providerRef,
      type: state.status,
      amount: state.status === 'CAPTURED' ? state.capturedAmount : null,
      refundRef: null,
      failureReason: state.failureReason,
      occurredAt: new Date(),
      raw: { source: 'verifyPayment', ...state },
    });
  }

  /** Moves `payment` as `event` says, when it moves it forward; false when the event is stale. */
  private async settle(tx: PaymentsTransaction, payment: PaymentRow, event: ProviderEvent): Promise<boolean> {
    if (event.type === 'REFUNDED') {
      if (event.refundRef === null || event.amount === null) return false;
      if (!COLLECTED.includes(payment.status) && payment.status !== PaymentStatus.REFUNDED) throw new NotYet('refund before its capture');
      return this.refunds.recordReported(tx, payment, event.refundRef, event.amount);
    }
    const to = nextStatus(payment.status, event.type);
    if (!to) return false;
    const failed = to === PaymentStatus.FAILED || to === PaymentStatus.CANCELLED;
    // A declined payment keeps holding its order: orders cancels the order on payment.failed.
    const failureReason = (event.failureReason ?? 'declined').slice(0, 200);
    await tx.payment.update({
      where: { id: payment.id },
      data: {
        status: to,
        ...(to === PaymentStatus.CAPTURED && { capturedAmount: event.amount ?? payment.amount }),
        ...(failed && { failureReason }),
      },
    });
    await appendLog(tx, { paymentId: payment.id, kind: 'STATE_CHANGE', provider: payment.provider, payload: { from: payment.status, to, eventId: event.eventId } });
    if (to === PaymentStatus.CAPTURED) {
      await this.events.record<PaymentSucceeded>(tx, PaymentEventType.succeeded, {
        paymentId: payment.id,
        orderId: payment.orderId,
        amount: (event.amount ?? payment.amount).toString(),
        currency: payment.currency,
        capturedAt: event.occurredAt.toISOString(),
      });
    } else if (failed) {
      await this.events.record<PaymentFailed>(tx, PaymentEventType.failed, { paymentId: payment.id, orderId: payment.orderId, reason: failureReason });
    }
    return true;
  }
}
