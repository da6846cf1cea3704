import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { PageInfo } from '#kernel';
import { Product, ProductStatus } from './product.type';

/** Orders of a product listing; each breaks ties by id so pages never overlap or skip. */
export enum ProductSort {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
}

registerEnumType(ProductSort, {
  name: 'ProductSort',
  description: 'Order of a product listing.',
  valuesConfig: {
    RELEVANCE: { description: 'Best match of the search text first; only with a search.' },
    NEWEST: { description: 'Most recently created first.' },
    PRICE_ASC: { description: 'Cheapest first (by amount in minor units).' },
    PRICE_DESC: { description: 'Most expensive first (by amount in minor units).' },
  },
});

@InputType({ description: 'Products whose attribute `name` has one of `values`.' })
export class AttributeFilter {
  @Field(() => String, { description: 'Attribute name, e.g. "color" (compared lower-cased).' })
  name: string;

  @Field(() => [String], { description: 'Accepted values, 1 to 50; any one of them matches.' })
  values: string[];
}

@InputType({ description: 'Narrows a product listing; all conditions must hold.' })
export class ProductFilter {
  @Field(() => ID, { nullable: true, description: 'Only products in this category or any category below it.' })
  category?: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Lowest price amount, in minor units, inclusive.' })
  priceMin?: number;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Highest price amount, in minor units, inclusive.' })
  priceMax?: number;

  @Field(() => Boolean, { nullable: true, description: 'true: only products with units available now; false: only those without.' })
  inStock?: boolean;

  @Field(() => [AttributeFilter], {
    nullable: true,
    description: 'Attribute conditions, at most 10: a product must match every one (AND across names, OR within values).',
  })
  attributes?: AttributeFilter[];

  @Field(() => ProductStatus, { nullable: true, description: 'Staff only: products in this status. Everyone else always sees ACTIVE products only.' })
  status?: ProductStatus;
}

@ObjectType({ description: 'One product of a listing with its cursor.' })
export class ProductEdge {
  @Field(() => String, { description: 'Opaque position of this product; pass it as `after` to continue behind it.' })
  cursor: string;

  @Field(() => Product, { description: 'The product.' })
  node: Product;
}

@ObjectType({ description: 'A page of products (Relay connection).' })
export class ProductConnection {
  @Field(() => [ProductEdge], { description: 'The products of this page, in order.' })
  edges: ProductEdge[];

  @Field(() => PageInfo, { description: 'Whether more pages follow.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of products matching the filter, over all pages.' })
  totalCount: number;
}
