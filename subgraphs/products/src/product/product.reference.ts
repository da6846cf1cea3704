import type { ProductsContext } from '../context';
import type { ProductService } from './product.service';

/** `Product.__resolveReference`: batched through the request's DataLoader. */
export const productReference = (products: ProductService) => ({
  __resolveReference: (reference: { id: string }, context: ProductsContext) => products.findReferenced(context, reference.id),
});
