import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '#kernel';
import { OrderActorKind, OrderStatus } from '../generated/prisma/enums';
import { Product } from '../product/product.type';
import { User } from '../user/user.type';

export { OrderActorKind, OrderStatus };

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

registerEnumType(OrderActorKind, {
  name: 'OrderActorKind',
  description: 'Who changed an order: the customer, staff, or the shop itself (a payment, a timeout).',
  valuesConfig: {
    CUSTOMER: { description: 'The customer who placed the order.' },
    STAFF: { description: 'A staff member or admin.' },
    SYSTEM: { description: 'The shop itself: a payment result, or the unpaid-order timeout.' },
  },
});

@ObjectType({ description: 'Where an order is shipped, as the address was when the order was placed.' })
export class ShippingAddress {
  @Field(() => String, { description: 'Who receives the parcel.' })
  recipientName: string;

  @Field(() => String, { description: 'Street and number.' })
  line1: string;

  @Field(() => String, { nullable: true, description: 'Apartment, floor, building; null when not given.' })
  line2: string | null;

  @Field(() => String, { description: 'City or town.' })
  city: string;

  @Field(() => String, { nullable: true, description: 'State, province or region; null when not given.' })
  region: string | null;

  @Field(() => String, { description: 'Postal code.' })
  postalCode: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code, e.g. "DE".' })
  countryCode: string;

  @Field(() => String, { nullable: true, description: 'Phone number for the carrier, E.164; null when not given.' })
  phone: string | null;
}

@ObjectType({ description: "One step of an order's history: a status change, who made it, when and why." })
export class OrderStatusChange {
  @Field(() => OrderStatus, { nullable: true, description: 'Status before the change; null for the placement itself.' })
  from: OrderStatus | null;

  @Field(() => OrderStatus, { description: 'Status after the change.' })
  to: OrderStatus;

  @Field(() => String, { nullable: true, description: 'Why, in words (e.g. "payment not received in time"); null when none was given.' })
  reason: string | null;

  @Field(() => OrderActorKind, { description: 'Who made the change.' })
  actor: OrderActorKind;

  @Field(() => User, { nullable: true, description: 'The customer or staff member who made the change; null when the shop did.' })
  changedBy: User | null;

  @Field(() => Date, { description: 'When the change was made.' })
  changedAt: Date;
}

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

  @Field(() => ShippingAddress, { description: 'Where the order is shipped, as the address was at placement.' })
  shippingAddress: ShippingAddress;

  @Field(() => Date, { nullable: true, description: 'When the order is cancelled if it is still unpaid; null once paid or cancelled.' })
  paymentDueAt: Date | null;

  // Resolved by OrderResolver.history through a batched DataLoader.
  @Field(() => [OrderStatusChange], { description: 'Every status change, oldest first, starting with the placement.' })
  history: OrderStatusChange[];

  @Field(() => Date, { description: 'When the order was placed.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When the order last changed.' })
  updatedAt: Date;

  /** The products domain's stock hold; not part of the API. */
  reservationId: string;
}

@ObjectType({ description: 'An order whose status just changed, with the change itself (sent to `orderStatusChanged` subscribers).' })
export class OrderStatusChangedEvent {
  @Field(() => Order, { description: 'The order as it is when the event is delivered (read again, so a change made since already shows).' })
  order: Order;

  @Field(() => OrderStatusChange, { description: 'The change: from, to, who and why.' })
  change: OrderStatusChange;
}
