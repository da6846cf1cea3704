import type { PaymentsContext } from '../context';
import type { PaymentService } from '../payment/payment.service';

/** `Order.__resolveReference`: no query here; `payment` batches through its DataLoader. */
export const orderReference = (payments: PaymentService) => ({
  __resolveReference: (reference: { id: string }, context: PaymentsContext) => payments.orderReferenced(context, reference.id),
});
