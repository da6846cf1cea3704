import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A node of the catalog’s category tree.' })
export class Category {
  @Field(() => ID, { description: 'Stable identifier of the category.' })
  id: string;

  @Field(() => String, { description: 'URL-friendly unique name, e.g. "kitchen".' })
  slug: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  /** Resolved by the tree; not a field of its own. */
  parentId: string | null;
}

@InputType({ description: 'A new category.' })
export class CreateCategoryInput {
  @Field(() => String, { description: 'Display name, 1–200 characters.' })
  name: string;

  @Field(() => String, { description: 'Unique URL-friendly name: lower-case letters and digits separated by hyphens.' })
  slug: string;

  @Field(() => ID, { nullable: true, description: 'The parent category; absent or null makes a root category.' })
  parentId?: string | null;
}

@InputType({ description: 'Changes to a category’s name or slug; absent fields stay as they are. Use `moveCategory` to change its parent.' })
export class UpdateCategoryInput {
  @Field(() => String, { nullable: true, description: 'New display name.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'New unique slug.' })
  slug?: string;
}
