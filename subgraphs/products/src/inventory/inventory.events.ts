/** Events about stock (subjects `<EVENTS_PREFIX>.products.<type>`). */
export const InventoryEventType = {
  lowStock: 'inventory.low_stock',
} as const;

/**
 * A product's available stock fell to or below its low-stock threshold. Recorded once per
 * crossing (from above the threshold to at or below it), not on every sale below it.
 */
export interface InventoryLowStock {
  productId: string;
  available: number;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
}

/** True when a change took available stock from above `threshold` to at or below it. */
export const crossesLowStock = (availableBefore: number, availableAfter: number, threshold: number) =>
  availableBefore > threshold && availableAfter <= threshold;

/** The event payload for an inventory row. */
export const lowStockOf = (row: { productId: string; onHand: number; reserved: number; lowStockThreshold: number }): InventoryLowStock => ({
  productId: row.productId,
  available: row.onHand - row.reserved,
  onHand: row.onHand,
  reserved: row.reserved,
  lowStockThreshold: row.lowStockThreshold,
});
