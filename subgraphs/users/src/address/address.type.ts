import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';

/** Which default an address is set as. */
export enum AddressKind {
  SHIPPING = 'SHIPPING',
  BILLING = 'BILLING',
}

registerEnumType(AddressKind, {
  name: 'AddressKind',
  description: 'What an address is used for by default.',
  valuesConfig: {
    SHIPPING: { description: 'Where orders are delivered.' },
    BILLING: { description: 'Where invoices are addressed.' },
  },
});

@ObjectType({ description: 'A postal address of a user. Visible only to the user themselves and staff.' })
export class Address {
  @Field(() => ID, { description: 'Identifier of the address.' })
  id: string;

  @Field(() => String, { description: 'Who receives mail at this address.' })
  recipientName: string;

  @Field(() => String, { description: 'Street and number.' })
  line1: string;

  @Field(() => String, { nullable: true, description: 'Apartment, floor, building; optional.' })
  line2: string | null;

  @Field(() => String, { description: 'City or town.' })
  city: string;

  @Field(() => String, { nullable: true, description: 'Province, state or county; optional.' })
  region: string | null;

  @Field(() => String, { description: 'Postal code, checked against the country’s format.' })
  postalCode: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code, e.g. ID.' })
  countryCode: string;

  @Field(() => String, { nullable: true, description: 'Contact phone for deliveries, E.164; optional.' })
  phone: string | null;

  @Field(() => Boolean, { description: 'Whether this is the user’s default shipping address (at most one is).' })
  isDefaultShipping: boolean;

  @Field(() => Boolean, { description: 'Whether this is the user’s default billing address (at most one is).' })
  isDefaultBilling: boolean;
}

@InputType({ description: 'A new address.' })
export class AddressInput {
  @Field(() => String, { description: 'Who receives mail at this address, 1 to 100 characters.' })
  recipientName: string;

  @Field(() => String, { description: 'Street and number.' })
  line1: string;

  @Field(() => String, { nullable: true, description: 'Apartment, floor, building.' })
  line2?: string | null;

  @Field(() => String, { description: 'City or town.' })
  city: string;

  @Field(() => String, { nullable: true, description: 'Province, state or county.' })
  region?: string | null;

  @Field(() => String, { description: 'Postal code in the country’s format.' })
  postalCode: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code, e.g. ID.' })
  countryCode: string;

  @Field(() => String, { nullable: true, description: 'Contact phone, E.164.' })
  phone?: string | null;
}

@InputType({ description: 'Changes to an address. Omitted fields stay as they are; null clears an optional field.' })
export class UpdateAddressInput {
  @Field(() => String, { nullable: true, description: 'Who receives mail at this address.' })
  recipientName?: string | null;

  @Field(() => String, { nullable: true, description: 'Street and number.' })
  line1?: string | null;

  @Field(() => String, { nullable: true, description: 'Apartment, floor, building.' })
  line2?: string | null;

  @Field(() => String, { nullable: true, description: 'City or town.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Province, state or county.' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code in the country’s format.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' })
  countryCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact phone, E.164.' })
  phone?: string | null;
}
