import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '#kernel';
import { OrderStatus } from '../generated/prisma/enums';
import { Product } from '../product/product.type';
import { User } from '../user/user.type';

export { OrderStatus };

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where an order is in its life, from placement to delivery (or cancellation).',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Placed; waiting for its payment to succeed.' },
    PAID: { description: 'Paid; waiting to be prepared.' },
    PROCESSING: { description: 'Being picked and packed.' },
    SHIPPED: { description: 'Handed to the carrier.' },
    DELIVERED: { description: 'Received by the customer.' },
    CANCELLED: { description: 'Cancelled before it shipped; its units do not count as sold.' },
    REFUNDED: { description: 'Paid, then refunded.' },
  },
});

@ObjectType({ description: 'One product on an order, with its name and price as they were when the order was placed.' })
export class OrderLine {
  @Field(() => Product, { description: 'The product bought; it may since have been renamed, repriced or archived.' })
  product: Product;

  @Field(() => String, { description: 'Name of the product when the order was placed.' })
  productName: string;

  @Field(() => Money, { description: 'Price of one unit when the order was placed.' })
  unitPrice: Money;

  @Field(() => Int, { description: 'Number of units bought.' })
  quantity: number;

  @Field(() => Money, { description: 'Unit price times quantity.' })
  subtotal: Money;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: "A customer's order, priced when it was placed." })
export class Order {
  @Field(() => ID, { description: 'Stable identifier of the order.' })
  id: string;

  @Field(() => OrderStatus, { description: 'Where the order is in its life.' })
  status: OrderStatus;

  @Field(() => Money, { description: 'Amount the customer pays: the sum of the line subtotals.' })
  total: Money;

  @Field(() => [OrderLine], { description: 'What was bought, in the order the customer added it.' })
  lines: OrderLine[];

  @Field(() => User, { description: 'The customer who placed the order.' })
  user: User;

  @Field(() => Date, { description: 'When the order was placed.' })
  createdAt: Date;
}
