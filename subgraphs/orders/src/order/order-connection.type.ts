import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '#kernel';
import { Order } from './order.type';

@ObjectType({ description: 'One order in a page of orders, with the cursor to continue after it.' })
export class OrderEdge {
  @Field(() => String, { description: 'Opaque cursor of this edge; pass it as `after` to get the orders that follow.' })
  cursor: string;

  @Field(() => Order, { description: 'The order.' })
  node: Order;
}

@ObjectType({ description: 'A page of orders, newest first (Relay cursor connection).' })
export class OrderConnection {
  @Field(() => [OrderEdge], { description: 'The orders of this page.' })
  edges: OrderEdge[];

  @Field(() => PageInfo, { description: 'Whether and where to continue.' })
  pageInfo: PageInfo;
}
