import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The shared Order entity as payments sees it: its key plus its payment (see OrderResolver). */
@Directive('@key(fields: "id")')
@ObjectType('Order', { description: "A customer's order, priced when it was placed." })
export class Order {
  @Field(() => ID, { description: 'Stable identifier of the order.' })
  id: string;
}

/** An Order reference holding only its key; the orders subgraph supplies the rest. */
export const orderRef = (id: string) => Object.assign(new Order(), { id });
