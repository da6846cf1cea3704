import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ProductStatus } from './product.type';

@InputType({ description: 'An amount of money: integer minor units and an ISO 4217 currency code.' })
export class MoneyInput {
  @Field(() => GraphQLSafeInt, { description: 'Amount in minor units, 0 or more, e.g. 1999 for 19.99 USD.' })
  amount: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "USD".' })
  currency: string;
}

@InputType({ description: 'A picture of a product.' })
export class ProductImageInput {
  @Field(() => String, { description: 'Absolute http(s) URL, at most 2048 characters.' })
  url: string;

  @Field(() => String, { defaultValue: '', description: 'Alternative text, at most 300 characters.' })
  alt: string;

  @Field(() => Int, { description: 'Display order, 0 first; unique within the product.' })
  position: number;
}

@InputType({ description: 'A name/value property of a product.' })
export class ProductAttributeInput {
  @Field(() => String, { description: 'Name, 1–50 characters of a–z, 0–9, "_" and "-"; stored lower-cased; unique within the product.' })
  name: string;

  @Field(() => String, { description: 'Value, 1–100 characters.' })
  value: string;
}

@InputType({ description: 'A new product.' })
export class CreateProductInput {
  @Field(() => String, { description: 'Display name, 1–200 characters.' })
  name: string;

  @Field(() => String, { description: 'Unique URL-friendly name: lower-case letters and digits separated by hyphens.' })
  slug: string;

  @Field(() => String, { defaultValue: '', description: 'Long description, at most 20000 characters.' })
  description: string;

  @Field(() => MoneyInput, { description: 'Unit price.' })
  price: MoneyInput;

  @Field(() => ID, { nullable: true, description: 'The category the product belongs to.' })
  categoryId?: string | null;

  @Field(() => ProductStatus, { defaultValue: ProductStatus.DRAFT, description: 'Initial status; DRAFT unless given.' })
  status: ProductStatus;

  @Field(() => [ProductImageInput], { defaultValue: [], description: 'Pictures of the product, at most 20.' })
  images: ProductImageInput[];

  @Field(() => [ProductAttributeInput], { defaultValue: [], description: 'Properties of the product, at most 30, names unique.' })
  attributes: ProductAttributeInput[];
}

@InputType({ description: 'Changes to a product; absent fields stay as they are.' })
export class UpdateProductInput {
  @Field(() => String, { nullable: true, description: 'New display name.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'New unique slug.' })
  slug?: string;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string;

  @Field(() => MoneyInput, { nullable: true, description: 'New unit price.' })
  price?: MoneyInput;

  @Field(() => ID, { nullable: true, description: 'New category; null takes the product out of any category.' })
  categoryId?: string | null;

  @Field(() => ProductStatus, { nullable: true, description: 'New status.' })
  status?: ProductStatus;

  @Field(() => [ProductImageInput], { nullable: true, description: 'The complete new set of pictures (replaces the old ones).' })
  images?: ProductImageInput[];

  @Field(() => [ProductAttributeInput], { nullable: true, description: 'The complete new set of attributes (replaces the old ones).' })
  attributes?: ProductAttributeInput[];
}
