import { buildFederatedSchema, resolverContainer } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { productReference } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';

/** The products subgraph's services, built once per process. */
export interface ProductsServices {
  products: ProductService;
}

export function createServices(db: PrismaClient): ProductsServices {
  return { products: new ProductService(db) };
}

export function buildSchema(services: ProductsServices) {
  return buildFederatedSchema({
    resolvers: [ProductResolver],
    container: resolverContainer([new ProductResolver(services.products)]),
    referenceResolvers: { Product: productReference(services.products) },
  });
}
