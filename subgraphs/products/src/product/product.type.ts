import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '#kernel';
import { ProductStatus } from '../generated/prisma/enums';

export { ProductStatus };

registerEnumType(ProductStatus, {
  name: 'ProductStatus',
  description: 'Where a product is in its life: only ACTIVE products are visible to customers.',
  valuesConfig: {
    DRAFT: { description: 'Being prepared by staff; not visible to customers.' },
    ACTIVE: { description: 'On sale and visible to everyone.' },
    ARCHIVED: { description: 'No longer sold; kept for order history.' },
  },
});

@ObjectType({ description: 'A picture of a product.' })
export class ProductImage {
  @Field(() => String, { description: 'Absolute http(s) URL of the image.' })
  url: string;

  @Field(() => String, { description: 'Alternative text for screen readers; may be empty.' })
  alt: string;

  @Field(() => Int, { description: 'Display order, 0 first; unique per product.' })
  position: number;
}

@ObjectType({ description: 'A name/value property of a product, e.g. color: red.' })
export class ProductAttribute {
  @Field(() => String, { description: 'Lower-case name, e.g. "color"; unique per product.' })
  name: string;

  @Field(() => String, { description: 'The value, e.g. "red".' })
  value: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A sellable item in the catalog.' })
export class Product {
  @Field(() => ID, { description: 'Stable identifier of the product.' })
  id: string;

  @Field(() => String, { description: 'URL-friendly unique name, e.g. "blue-mug".' })
  slug: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  @Field(() => String, { description: 'Long description shown on the product page.' })
  description: string;

  @Field(() => Money, { description: 'Current unit price.' })
  price: Money;

  @Field(() => ProductStatus, { description: 'Visibility state of the product.' })
  status: ProductStatus;

  @Field(() => [ProductImage], { description: 'Pictures of the product, by position.' })
  images: ProductImage[];

  @Field(() => [ProductAttribute], { description: 'Properties of the product (color, size, …), by name.' })
  attributes: ProductAttribute[];

  @Field(() => Date, { description: 'When the product was created.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When the product was last changed.' })
  updatedAt: Date;

  /** Resolved into `category` by the product resolver. */
  categoryId: string | null;
}
