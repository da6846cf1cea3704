import { randomUUID } from 'node:crypto';
import { domainDatabase } from './clients';

const ADDRESS = { recipientName: 'Bulk', line1: 'Main St 1', line2: null, city: 'Springfield', region: null, postalCode: '12345', countryCode: 'US', phone: null };

/**
 * Inserts `orders` PAID orders of `userId` with `linesPerOrder` lines of `productId` each,
 * straight into the run's orders database in two batched statements: the largest orders
 * the API allows, in bulk, which placing them one by one would take minutes to make.
 */
export async function insertLargeOrders(options: { userId: string; productId: string; orders: number; linesPerOrder: number }): Promise<string[]> {
  const ids = Array.from({ length: options.orders }, () => randomUUID());
  const db = await domainDatabase('orders');
  try {
    await db.batch(
      `INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total_amount, currency, reservation_id, shipping_address, updated_at)
       VALUES (?, ?, ?, ?, 'PAID', ?, 'USD', ?, ?, NOW(3))`,
      ids.map((id) => [id, options.userId, id, '0'.repeat(64), 100 * options.linesPerOrder, randomUUID(), JSON.stringify(ADDRESS)]),
    );
    await db.batch(
      'INSERT INTO order_lines (id, order_id, position, product_id, product_name, unit_price_amount, quantity) VALUES (?, ?, ?, ?, ?, 100, 1)',
      ids.flatMap((orderId) => Array.from({ length: options.linesPerOrder }, (_, position) => [randomUUID(), orderId, position, options.productId, 'Bulk line'])),
    );
  } finally {
    await db.end();
  }
  return ids;
}
