import { buildFederatedSchema, resolverContainer, type EventOutbox, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from './generated/prisma/client';
import { OrderLifecycleService } from './order/order-lifecycle.service';
import { OrderPlacementService } from './order/order-placement.service';
import { OrderStatusFeed } from './order/order-status.feed';
import { orderSubscriptionResolver } from './order/order-subscription.resolver';
import { OrderWatchService } from './order/order-watch.service';
import { orderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { OrderService } from './order/order.service';
import { ShippingAddressClient } from './order/shipping-address.client';
import { StockClient } from './order/stock.client';
import type { OrdersConfig } from './orders-config';
import { productReference } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';

/** The orders subgraph's services, built once per process. */
export interface OrdersServices {
  orders: OrderService;
  placement: OrderPlacementService;
  lifecycle: OrderLifecycleService;
  watch: OrderWatchService;
  statusFeed: OrderStatusFeed;
  products: ProductService;
}

export function createServices({ db, redis, nats, log, config }: SubgraphDeps<PrismaClient>, ordersConfig: OrdersConfig, events: EventOutbox): OrdersServices {
  const prefix = config.EVENTS_PREFIX;
  const orders = new OrderService(db);
  const statusFeed = new OrderStatusFeed(nats, prefix, log);
  return {
    orders,
    placement: new OrderPlacementService(
      db,
      new StockClient(nats, prefix, ordersConfig.ORDER_RPC_TIMEOUT_MS),
      new ShippingAddressClient(nats, prefix, ordersConfig.ORDER_RPC_TIMEOUT_MS),
      events,
      ordersConfig,
      log,
    ),
    lifecycle: new OrderLifecycleService(db, events, log),
    watch: new OrderWatchService(orders, statusFeed, redis),
    statusFeed,
    products: new ProductService(db),
  };
}

export function buildSchema(services: OrdersServices) {
  const OrderSubscriptionResolver = orderSubscriptionResolver(services.watch);
  return buildFederatedSchema({
    resolvers: [OrderResolver, OrderSubscriptionResolver, ProductResolver],
    container: resolverContainer([
      new OrderResolver(services.orders, services.placement, services.lifecycle),
      new OrderSubscriptionResolver(),
      new ProductResolver(services.products),
    ]),
    pubSub: services.statusFeed,
    referenceResolvers: {
      Order: orderReference(services.orders),
      Product: productReference(services.products),
    },
  });
}
