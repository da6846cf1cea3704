import type { OrdersContext } from '../context';
import type { ProductService } from './product.service';

/** `Product.__resolveReference`: no query here; `soldCount` batches through its DataLoader. */
export const productReference = (products: ProductService) => ({
  __resolveReference: (reference: { id: string }, context: OrdersContext) => products.findReferenced(context, reference.id),
});
