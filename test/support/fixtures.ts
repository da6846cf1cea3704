import { randomUUID } from 'node:crypto';
import { domainDatabase } from './clients';

/**
 * Arranges catalog and order rows directly in the run's databases. Used only where the
 * supergraph has no public operation to create the data yet.
 */
export async function insertProduct(values: { name?: string; priceAmount?: number; currency?: string; status?: string } = {}) {
  const id = randomUUID();
  const db = await domainDatabase('products');
  try {
    await db.query(
      'INSERT INTO products (id, slug, name, description, price_amount, currency, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NOW(3))',
      [id, `product-${id}`, values.name ?? `Product ${id.slice(0, 8)}`, 'Test product', values.priceAmount ?? 1999, values.currency ?? 'USD', values.status ?? 'ACTIVE'],
    );
  } finally {
    await db.end();
  }
  return id;
}

const FIXTURE_ADDRESS = { recipientName: 'Fixture', line1: 'Main St 1', line2: null, city: 'Springfield', region: null, postalCode: '12345', countryCode: 'US', phone: null };

export async function insertOrder(values: { userId?: string; status?: string; lines: { productId: string; quantity: number; unitPriceAmount?: number }[] }) {
  const id = randomUUID();
  const db = await domainDatabase('orders');
  try {
    const total = values.lines.reduce((sum, line) => sum + line.quantity * (line.unitPriceAmount ?? 1000), 0);
    await db.query(
      `INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total_amount, currency, reservation_id, shipping_address, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`,
      [id, values.userId ?? randomUUID(), id, '0'.repeat(64), values.status ?? 'PAID', total, 'USD', randomUUID(), JSON.stringify(FIXTURE_ADDRESS)],
    );
    for (const [position, line] of values.lines.entries()) {
      await db.query(
        'INSERT INTO order_lines (id, order_id, position, product_id, product_name, unit_price_amount, quantity) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), id, position, line.productId, 'Snapshot name', line.unitPriceAmount ?? 1000, line.quantity],
      );
    }
  } finally {
    await db.end();
  }
  return id;
}
