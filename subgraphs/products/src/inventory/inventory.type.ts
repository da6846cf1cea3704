import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Stock of one product.' })
export class Inventory {
  /** The product this stock belongs to. */
  productId: string;

  @Field(() => Int, { description: 'Units physically in stock.' })
  onHand: number;

  @Field(() => Int, { description: 'Units held by open reservations (orders awaiting payment).' })
  reserved: number;

  @Field(() => Int, { description: 'Units that can still be reserved: onHand − reserved, never negative.' })
  available: number;

  @Field(() => Int, { description: 'At or below this many available units the product counts as low on stock.' })
  lowStockThreshold: number;

  @Field(() => Boolean, { description: 'True when available is at or below lowStockThreshold.' })
  lowStock: boolean;
}

/** Stock of a product without an inventory row: nothing on hand. */
export function inventoryOf(productId: string, row?: { onHand: number; reserved: number; lowStockThreshold: number }): Inventory {
  const onHand = row?.onHand ?? 0;
  const reserved = row?.reserved ?? 0;
  const lowStockThreshold = row?.lowStockThreshold ?? 0;
  const available = Math.max(0, onHand - reserved);
  return Object.assign(new Inventory(), { productId, onHand, reserved, available, lowStockThreshold, lowStock: available <= lowStockThreshold });
}
