import { buildFederatedSchema, resolverContainer } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { orderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { OrderService } from './order/order.service';
import { productReference } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';

/** The orders subgraph's services, built once per process. */
export interface OrdersServices {
  orders: OrderService;
  products: ProductService;
}

export function createServices(db: PrismaClient): OrdersServices {
  return { orders: new OrderService(db), products: new ProductService(db) };
}

export function buildSchema(services: OrdersServices) {
  return buildFederatedSchema({
    resolvers: [OrderResolver, ProductResolver],
    container: resolverContainer([new OrderResolver(services.orders), new ProductResolver(services.products)]),
    referenceResolvers: {
      Order: orderReference(services.orders),
      Product: productReference(services.products),
    },
  });
}
