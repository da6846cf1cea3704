import { Field, ID, InputType, Int } from 'type-graphql';
import { OrderStatus } from './order.type';

/** Bounds of a placement, checked before anything is reserved or written. */
export const ORDER_LIMITS = { maxLines: 50, maxQuantity: 100, maxKeyLength: 100, maxReasonLength: 500 } as const;

@InputType({ description: 'One product and how many units of it to buy.' })
export class OrderLineInput {
  @Field(() => ID, { description: 'The product to buy; it must be on sale (ACTIVE).' })
  productId: string;

  @Field(() => Int, { description: `Units to buy, 1 to ${ORDER_LIMITS.maxQuantity} (per product, after adding up repeated lines).` })
  quantity: number;
}

@InputType({ description: 'What to order and where to ship it.' })
export class PlaceOrderInput {
  @Field(() => [OrderLineInput], { description: `The cart: 1 to ${ORDER_LIMITS.maxLines} lines; repeated products are added up into one line.` })
  lines: OrderLineInput[];

  @Field(() => ID, { description: "One of the caller's own addresses (`User.addresses`); it is copied onto the order." })
  shippingAddressId: string;

  @Field(() => String, {
    description:
      'A key the client makes up once per checkout (a UUID, say), 1 to 100 characters. Sending the same placement again with the same key ' +
      'returns the first order instead of placing a second one; the same key with a different cart is refused with CONFLICT.',
  })
  idempotencyKey: string;
}

@InputType({ description: 'Narrows the staff order list; every given condition must hold.' })
export class OrdersFilter {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders in this status.' })
  status?: OrderStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only orders of this customer.' })
  userId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only orders placed at or after this instant.' })
  placedFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only orders placed at or before this instant.' })
  placedTo?: Date | null;
}
