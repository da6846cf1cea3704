import { byIdLoader, byKeyLoader, type SubgraphContext } from '#kernel';
import type DataLoader from 'dataloader';
import type { Order, OrderStatusChange } from './order/order.type';
import type { ProductSales } from './product/product.service';
import type { OrdersServices } from './schema';

/** Per-request DataLoaders of the orders subgraph. */
export interface OrdersLoaders {
  /** Orders with their lines, by order id. */
  order: DataLoader<string, Order | null>;
  /** Status histories, by order id. */
  history: DataLoader<string, { orderId: string; changes: OrderStatusChange[] } | null>;
  /** Units sold per product id; null when the product was never sold. */
  productSales: DataLoader<string, ProductSales | null>;
}

export type OrdersContext = SubgraphContext<OrdersLoaders>;

export function createLoaders(services: OrdersServices): OrdersLoaders {
  return {
    order: byIdLoader((ids) => services.orders.findByIds(ids)),
    history: byKeyLoader((ids) => services.orders.historiesByOrderIds(ids), (history) => history.orderId),
    productSales: byKeyLoader((productIds) => services.products.salesByProductIds(productIds), (sales) => sales.productId),
  };
}
