import { buildFederatedSchema, resolverContainer, type EventOutbox, type SubgraphDeps } from '#kernel';
import { CategoryCache } from './category/category-cache';
import { CategoryResolver } from './category/category.resolver';
import { CategoryService } from './category/category.service';
import type { PrismaClient } from './generated/prisma/client';
import { InventoryResolver } from './inventory/inventory.resolver';
import { InventoryService } from './inventory/inventory.service';
import { ProductCache } from './product/product-cache';
import { ProductListingService } from './product/product-listing.service';
import { productReference } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';

/** The products subgraph's services, built once per process. */
export interface ProductsServices {
  products: ProductService;
  listing: ProductListingService;
  categories: CategoryService;
  inventory: InventoryService;
}

export function createServices({ db, redis, log }: SubgraphDeps<PrismaClient>, events: EventOutbox): ProductsServices {
  const categories = new CategoryService(db, new CategoryCache({ redis, log }));
  return {
    products: new ProductService(db, new ProductCache({ redis, log }), events),
    listing: new ProductListingService(db, categories),
    categories,
    inventory: new InventoryService(db, events),
  };
}

export function buildSchema(services: ProductsServices) {
  return buildFederatedSchema({
    resolvers: [ProductResolver, CategoryResolver, InventoryResolver],
    container: resolverContainer([
      new ProductResolver(services.products, services.listing, services.categories),
      new CategoryResolver(services.categories),
      new InventoryResolver(services.inventory),
    ]),
    referenceResolvers: { Product: productReference(services.products) },
  });
}
