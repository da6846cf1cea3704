import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { Profile } from '../generated/prisma/client';

/** Whether a user's profile is live or was deleted (anonymised) by an admin. */
export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DELETED = 'DELETED',
}

registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Lifecycle state of a user in the users domain.',
  valuesConfig: {
    ACTIVE: { description: 'A live account.' },
    DELETED: { description: 'Deleted by an admin: personal data erased, the account closed in auth.' },
  },
});

/**
 * The users subgraph's half of the shared User entity: the profile. The account itself
 * (email, roles, sign-up date) belongs to the auth subgraph. Personal fields are resolved
 * by UserResolver, which shows them only to the user themselves and staff.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'Name shown to others; null until the profile exists and after deletion.' })
  displayName: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Path of the avatar image on the gateway’s origin (GET it there), e.g. /avatars/<file>.png; null without one.',
  })
  avatarUrl: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in E.164 format. Visible only to the user themselves and staff.' })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Preferred locale as a BCP 47 tag, e.g. id-ID. Visible only to the user themselves and staff.' })
  locale: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Asia/Jakarta. Visible only to the user themselves and staff.' })
  timezone: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth, YYYY-MM-DD. Visible only to the user themselves and staff.' })
  birthday: string | null;

  @Field(() => UserStatus, { description: 'Whether the user is active or deleted. Visible only to the user themselves and staff.' })
  status: UserStatus;

  /** The row behind this user (not a GraphQL field); null for an account without a profile yet. */
  profile: Profile | null;
}

@InputType({ description: 'Profile changes. Omitted fields stay as they are; null clears a field (except displayName).' })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Name shown to others, 1 to 100 characters.' })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in E.164 format, e.g. +6281234567890.' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 locale, e.g. id-ID.' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Asia/Jakarta.' })
  timezone?: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth, YYYY-MM-DD; not in the future.' })
  birthday?: string | null;
}
