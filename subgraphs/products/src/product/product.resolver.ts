import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ProductsContext } from '../context';
import type { ProductService } from './product.service';
import { Product } from './product.type';

@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly products: ProductService) {}

  @Query(() => Product, { nullable: true, description: 'A product by id; null when it does not exist or is not visible to you.' })
  product(@Arg('id', () => ID, { description: 'Id of the product.' }) id: string, @Ctx() context: ProductsContext): Promise<Product | null> {
    return this.products.findVisible(context, id);
  }
}
