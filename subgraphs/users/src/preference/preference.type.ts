import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A user’s settings, each with a default. Visible only to the user themselves and staff.' })
export class Preferences {
  @Field(() => Boolean, { description: 'Whether the user wants the newsletter; false by default.' })
  newsletter: boolean;

  @Field(() => String, { description: 'ISO 4217 code of the currency to show prices in; USD by default.' })
  currency: string;

  @Field(() => String, { description: 'BCP 47 language of emails and the storefront; en by default.' })
  language: string;
}

@InputType({ description: 'Preference changes; omitted fields stay as they are.' })
export class PreferencesInput {
  @Field(() => Boolean, { nullable: true, description: 'Whether to receive the newsletter.' })
  newsletter?: boolean | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code, e.g. IDR.' })
  currency?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. id.' })
  language?: string | null;
}
