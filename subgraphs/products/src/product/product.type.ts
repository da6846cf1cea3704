import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
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

  @Field(() => Date, { description: 'When the product was created.' })
  createdAt: Date;
}
