import type { PaymentsContext } from '../context';
import type { PaymentService } from './payment.service';

/** `Payment.__resolveReference`: batched through the request's DataLoader; null when not visible. */
export const paymentReference = (payments: PaymentService) => ({
  __resolveReference: (reference: { id: string }, context: PaymentsContext) => payments.findReferenced(context, reference.id),
});
