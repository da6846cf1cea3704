import { byIdLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { Product } from './product/product.type';
import type { ProductsServices } from './schema';

/** Per-request DataLoaders of the products subgraph. */
export interface ProductsLoaders {
  product: DataLoader<string, Product | null>;
}

export type ProductsContext = SubgraphContext<ProductsLoaders>;

export function createLoaders(services: ProductsServices): ProductsLoaders {
  return { product: byIdLoader((ids) => services.products.findByIds(ids)) };
}
