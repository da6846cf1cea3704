import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ProductsContext } from '../context';
import { Product } from '../product/product.type';
import type { InventoryService } from './inventory.service';
import { Inventory } from './inventory.type';

@Resolver(() => Product)
export class InventoryResolver {
  constructor(private readonly inventoryService: InventoryService) {}

  @FieldResolver(() => Boolean, { description: 'True when at least one unit can be ordered now.' })
  async inStock(@Root() product: Product, @Ctx() context: ProductsContext): Promise<boolean> {
    return (await this.inventoryService.get(context, product.id)).available > 0;
  }

  @Authorized('STAFF', 'ADMIN')
  @FieldResolver(() => Inventory, { description: 'Stock on hand, reserved and available (STAFF or ADMIN).' })
  inventory(@Root() product: Product, @Ctx() context: ProductsContext): Promise<Inventory> {
    return this.inventoryService.get(context, product.id);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Inventory, {
    description: 'Adds units on hand, or removes them with a negative delta, with a reason kept in the audit log (STAFF or ADMIN). Removing units that are reserved is a CONFLICT.',
  })
  adjustInventory(
    @Arg('productId', () => ID, { description: 'The product whose stock changes.' }) productId: string,
    @Arg('delta', () => Int, { description: 'Units to add (positive) or remove (negative).' }) delta: number,
    @Arg('reason', () => String, { description: 'Why, e.g. "delivery 2026-11-24" or "damaged"; 1–500 characters.' }) reason: string,
    @Ctx() context: ProductsContext,
  ): Promise<Inventory> {
    return this.inventoryService.adjust(context, productId, delta, reason);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Inventory, { description: 'Sets the available level at or below which a product counts as low on stock (STAFF or ADMIN).' })
  setLowStockThreshold(
    @Arg('productId', () => ID, { description: 'The product.' }) productId: string,
    @Arg('threshold', () => Int, { description: 'Units, 0 or more.' }) threshold: number,
    @Ctx() context: ProductsContext,
  ): Promise<Inventory> {
    return this.inventoryService.setLowStockThreshold(context, productId, threshold);
  }
}
