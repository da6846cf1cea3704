import { badUserInput, conflict, notFound, type EventOutbox } from '#kernel';
import type { ProductsContext } from '../context';
import type { PrismaClient } from '../generated/prisma/client';
import { crossesLowStock, InventoryEventType, type InventoryLowStock, lowStockOf } from './inventory.events';
import { type Inventory, inventoryOf } from './inventory.type';

/** Largest single adjustment, in units: a typo guard, not a business rule. */
export const MAX_ADJUSTMENT = 1_000_000;

/** Stock on hand per product, changed by staff with a reason that lands in the audit log. */
export class InventoryService {
  constructor(
    private readonly db: PrismaClient,
    private readonly events: EventOutbox,
  ) {}

  /** Stock of many products in one query; backs the per-request DataLoader. */
  async findByProductIds(productIds: readonly string[]): Promise<Inventory[]> {
    const rows = await this.db.inventory.findMany({ where: { productId: { in: [...productIds] } } });
    const byId = new Map(rows.map((row) => [row.productId, row]));
    return productIds.map((id) => inventoryOf(id, byId.get(id)));
  }

  get(context: ProductsContext, productId: string): Promise<Inventory> {
    return context.loaders.inventory.load(productId).then((inventory) => inventory ?? inventoryOf(productId));
  }

  /**
   * Adds `delta` units on hand (negative: removes them) and records who did it and why, in
   * one transaction (with `inventory.low_stock` when it crosses the threshold). The UPDATE itself refuses to leave fewer units on hand than are
   * reserved, so a concurrent reservation can never be undercut (CONFLICT instead).
   */
  async adjust(context: ProductsContext, productId: string, delta: number, reason: string): Promise<Inventory> {
    if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_ADJUSTMENT) {
      throw badUserInput(`delta is a whole number of units, not 0, at most ${MAX_ADJUSTMENT} either way.`, 'delta');
    }
    const why = reason.trim();
    if (!why || why.length > 500) throw badUserInput('A reason of 1–500 characters is required.', 'reason');
    const row = await this.db.$transaction(async (tx) => {
      if (!(await tx.product.findUnique({ where: { id: productId }, select: { id: true } }))) throw notFound('Product', productId);
      await tx.$executeRaw`INSERT IGNORE INTO inventory (product_id, updated_at) VALUES (${productId}, UTC_TIMESTAMP(3))`;
      const changed = await tx.$executeRaw`
        UPDATE inventory SET on_hand = on_hand + ${delta}, updated_at = UTC_TIMESTAMP(3)
        WHERE product_id = ${productId} AND on_hand + ${delta} >= reserved`;
      if (changed !== 1) throw conflict('This would leave fewer units on hand than are reserved.');
      const inventory = await tx.inventory.findUniqueOrThrow({ where: { productId } });
      await tx.inventoryAdjustment.create({
        data: { productId, delta, reason: why, onHandAfter: inventory.onHand, actorId: context.identity?.userId ?? null },
      });
      const available = inventory.onHand - inventory.reserved;
      if (crossesLowStock(available - delta, available, inventory.lowStockThreshold)) {
        await this.events.record<InventoryLowStock>(tx, InventoryEventType.lowStock, lowStockOf(inventory));
      }
      return inventory;
    });
    this.events.published();
    context.log.info({ productId, delta, onHand: row.onHand }, 'inventory adjusted');
    return inventoryOf(productId, row);
  }

  /** Sets the level at or below which the product counts as low on stock. */
  async setLowStockThreshold(context: ProductsContext, productId: string, threshold: number): Promise<Inventory> {
    if (!Number.isInteger(threshold) || threshold < 0) throw badUserInput('The threshold is a whole number of units, 0 or more.', 'threshold');
    if (!(await this.db.product.findUnique({ where: { id: productId }, select: { id: true } }))) throw notFound('Product', productId);
    const row = await this.db.inventory.upsert({
      where: { productId },
      create: { productId, lowStockThreshold: threshold },
      update: { lowStockThreshold: threshold },
    });
    context.log.info({ productId, threshold }, 'low-stock threshold set');
    return inventoryOf(productId, row);
  }
}
