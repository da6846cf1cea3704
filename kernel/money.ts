import { GraphQLSafeInt } from 'graphql-scalars';
import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * An amount of money: integer minor units (cents, sen) plus an ISO 4217 currency code.
 * Never a float. Shared by every subgraph that shows prices, hence `@shareable`.
 */
@Directive('@shareable')
@ObjectType({ description: 'An amount of money in integer minor units (e.g. cents) with its ISO 4217 currency.' })
export class Money {
  @Field(() => GraphQLSafeInt, { description: 'Amount in minor units of the currency, e.g. 1999 for 19.99 USD.' })
  amount: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "USD" or "IDR".' })
  currency: string;
}

/** Builds a {@link Money} from a database BIGINT, refusing amounts JavaScript cannot hold exactly. */
export function money(amount: bigint | number, currency: string): Money {
  const value = Number(amount);
  if (!Number.isSafeInteger(value)) throw new RangeError(`amount ${amount} is outside the safe integer range`);
  return Object.assign(new Money(), { amount: value, currency });
}
