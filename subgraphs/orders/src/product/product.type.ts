import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** The shared Product entity as orders sees it: its key plus the sales figures orders knows. */
@Directive('@key(fields: "id")')
@ObjectType('Product', { description: 'A sellable item in the catalog.' })
export class Product {
  @Field(() => ID, { description: 'Stable identifier of the product.' })
  id: string;

  // Resolved by ProductResolver.soldCount through a batched DataLoader.
  @Field(() => Int, { description: 'Units sold: in orders that are paid, processing, shipped or delivered (not pending, cancelled or refunded).' })
  soldCount: number;
}

/** A Product reference holding only its key; the products subgraph supplies the rest. */
export const productRef = (id: string) => Object.assign(new Product(), { id });
