import { byIdLoader, byKeyLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { CategoryTree } from './category/category-tree';
import type { Category } from './category/category.type';
import type { Inventory } from './inventory/inventory.type';
import type { Product } from './product/product.type';
import type { ProductsServices } from './schema';

/** Per-request DataLoaders of the products subgraph. */
export interface ProductsLoaders {
  product: DataLoader<string, Product | null>;
  /** Stock by product id (zeros when the product has no inventory row). */
  inventory: DataLoader<string, Inventory | null>;
  /** The whole category tree, read at most once per request. */
  categoryTree: () => Promise<CategoryTree<Category>>;
}

export type ProductsContext = SubgraphContext<ProductsLoaders>;

export function createLoaders(services: ProductsServices): ProductsLoaders {
  let tree: Promise<CategoryTree<Category>> | undefined;
  return {
    product: byIdLoader((ids) => services.products.findByIds(ids)),
    inventory: byKeyLoader((ids) => services.inventory.findByProductIds(ids), (row) => row.productId),
    categoryTree: () => (tree ??= services.categories.loadTree()),
  };
}
