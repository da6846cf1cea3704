import type { Prisma, PrismaClient, Payment as PaymentRow } from '../generated/prisma/client';

/** The transaction client of the payments database. */
export type PaymentsTransaction = Prisma.TransactionClient;
export type PaymentsDatabase = PrismaClient | PaymentsTransaction;

/**
 * Locks a payment's row for the rest of the transaction and reads it, so changes to one
 * payment (webhooks, refunds, verification) apply one after another, never interleaved.
 */
export async function lockPayment(tx: PaymentsTransaction, id: string): Promise<PaymentRow | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM payments WHERE id = ${id} FOR UPDATE`;
  return locked.length ? tx.payment.findUnique({ where: { id } }) : null;
}

/** {@link lockPayment} by the provider's reference. */
export async function lockPaymentByRef(tx: PaymentsTransaction, provider: string, providerRef: string): Promise<PaymentRow | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM payments WHERE provider = ${provider} AND provider_ref = ${providerRef} FOR UPDATE`;
  return locked.length ? tx.payment.findUnique({ where: { id: locked[0]!.id } }) : null;
}
