import { badUserInput, CodedError, conflict, ErrorCode, isEntityId, notFound, type Logger } from '#kernel';
import type { PaymentsContext } from '../context';
import type { Payment as PaymentRow, PrismaClient } from '../generated/prisma/client';
import { PaymentStatus } from '../generated/prisma/enums';
import { ProviderRefused, type PaymentProvider } from '../provider/payment-provider';
import { appendLog } from '../transaction-log/transaction-log';
import type { OrderClient } from './order.client';
import { checkedKey, PAYMENT_LIMITS, type CreatePaymentInput } from './payment.input';
import { toPayment } from './payment.service';
import type { Payment } from './payment.type';

/**
 * Starts payments. Only the order's customer may pay it, only while it waits for payment,
 * and amount, currency and payer come from the order (asked of orders), never from the
 * client. The same idempotency key returns the same payment; an order has at most one
 * live payment (a unique `live_order_id`), whatever races. The provider is asked with the
 * payment id as its idempotency key, so a retry after a provider timeout resumes the same
 * intent instead of charging twice.
 */
export class PaymentCreationService {
  constructor(
    private readonly db: PrismaClient,
    private readonly orders: OrderClient,
    private readonly provider: PaymentProvider,
    private readonly log: Logger,
  ) {}

  async create(context: PaymentsContext, input: CreatePaymentInput): Promise<Payment> {
    const userId = context.identity!.userId;
    const idempotencyKey = checkedKey(input.idempotencyKey);
    const paymentToken = input.paymentToken?.trim() || null;
    if (paymentToken && paymentToken.length > PAYMENT_LIMITS.maxTokenLength) {
      throw badUserInput(`paymentToken must be at most ${PAYMENT_LIMITS.maxTokenLength} characters.`, 'input.paymentToken');
    }
    if (!isEntityId(input.orderId)) throw notFound('Order', input.orderId);

    const earlier = await this.findByKey(userId, idempotencyKey, input);
    if (earlier) return this.resume(earlier, paymentToken);

    const order = await this.orders.find(input.orderId);
    // Someone else's order does not exist for the caller.
    if (!order || order.userId !== userId) throw notFound('Order', input.orderId);
    if (order.status !== 'PENDING_PAYMENT') throw conflict(`The order is ${order.status}; only an order waiting for payment can be paid.`);

    let payment: PaymentRow;
    try {
      payment = await this.db.$transaction(async (tx) => {
        const created = await tx.payment.create({
          data: {
            orderId: order.id,
            liveOrderId: order.id,
            userId,
            idempotencyKey,
            method: input.method,
            provider: this.provider.name,
            amount: BigInt(order.totalAmount),
            currency: order.currency,
          },
        });
        await appendLog(tx, { paymentId: created.id, kind: 'STATE_CHANGE', provider: this.provider.name, payload: { to: PaymentStatus.PENDING, orderId: order.id } });
        return created;
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
      // The same key raced us (that payment is the answer), or another payment of this order is live.
      const winner = await this.findByKey(userId, idempotencyKey, input);
      if (winner) return this.resume(winner, paymentToken);
      throw conflict('This order already has a payment in progress.');
    }
    context.log.info({ paymentId: payment.id, orderId: order.id }, 'payment created');
    return this.startIntent(payment, paymentToken);
  }

  /**
   * A payment asked for again with its key: as it is, except one still PENDING without a
   * provider reference (the provider did not answer), whose intent is asked for again.
   * A refused one stays refused: a new attempt needs a new key.
   */
  private resume(payment: PaymentRow, paymentToken: string | null): Promise<Payment> | Payment {
    return payment.status === PaymentStatus.PENDING && !payment.providerRef ? this.startIntent(payment, paymentToken) : toPayment(payment);
  }

  /** The payment made earlier with this key, or null; CONFLICT when the key was used for another order or method. */
  private async findByKey(userId: string, idempotencyKey: string, input: CreatePaymentInput): Promise<PaymentRow | null> {
    const row = await this.db.payment.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
    if (row && (row.orderId !== input.orderId || row.method !== input.method)) {
      throw conflict('This idempotency key was already used for another payment; use a new key for a new attempt.');
    }
    return row;
  }

  /** Asks the provider to collect the payment and keeps its reference. */
  private async startIntent(payment: PaymentRow, paymentToken: string | null): Promise<Payment> {
    const request = { paymentId: payment.id, amount: payment.amount, currency: payment.currency, method: payment.method, paymentToken, idempotencyKey: payment.id };
    await appendLog(this.db, { paymentId: payment.id, kind: 'PROVIDER_REQUEST', provider: this.provider.name, payload: { operation: 'createIntent', ...request } });
    let intent;
    try {
      intent = await this.provider.createIntent(request);
    } catch (error) {
      const refused = error instanceof ProviderRefused;
      const failed = await this.db.$transaction(async (tx) => {
        await appendLog(tx, { paymentId: payment.id, kind: 'PROVIDER_RESPONSE', provider: this.provider.name, payload: { operation: 'createIntent', error: (error as Error).message } });
        if (!refused) return null;
        // Nothing was collected and the order stays payable: a new attempt (new key) may follow.
        const { count } = await tx.payment.updateMany({
          where: { id: payment.id, status: PaymentStatus.PENDING },
          data: { status: PaymentStatus.FAILED, failureReason: `refused: ${(error as Error).message}`.slice(0, 200), liveOrderId: null },
        });
        if (count) await appendLog(tx, { paymentId: payment.id, kind: 'STATE_CHANGE', provider: this.provider.name, payload: { from: PaymentStatus.PENDING, to: PaymentStatus.FAILED, refused: true } });
        return payment.id;
      });
      if (failed) throw new CodedError(ErrorCode.BAD_USER_INPUT, `The payment provider refused the payment: ${(error as Error).message}`, { field: 'input.paymentToken', paymentId: failed });
      this.log.warn({ err: error, paymentId: payment.id }, 'payment provider unreachable for a new payment');
      throw new CodedError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider did not answer; try again with the same idempotency key.');
    }
    const updated = await this.db.$transaction(async (tx) => {
      await appendLog(tx, { paymentId: payment.id, kind: 'PROVIDER_RESPONSE', provider: this.provider.name, payload: { operation: 'createIntent', ...intent } });
      return tx.payment.update({ where: { id: payment.id }, data: { providerRef: intent.providerRef } });
    });
    return toPayment(updated);
  }
}
