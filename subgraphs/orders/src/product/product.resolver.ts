import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context';
import type { ProductService } from './product.service';
import { Product } from './product.type';

@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly products: ProductService) {}

  @FieldResolver(() => Int)
  soldCount(@Root() product: Product, @Ctx() context: OrdersContext): Promise<number> {
    return this.products.soldCount(context, product);
  }
}
