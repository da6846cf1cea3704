import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { registerRoleEnum } from '#kernel';
import { Role } from '../generated/prisma/enums';

export { Role };

registerRoleEnum(Role);

/**
 * Auth's half of the shared User entity: the account itself. The users subgraph adds
 * the profile fields under the same id.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;

  // Resolved by UserResolver, which shows personal fields only to the owner and staff.
  @Field(() => String, { description: 'Sign-in email address. Visible only to the user themselves, staff and admins.' })
  email: string;

  @Field(() => [Role], { description: 'Roles of the user. Visible only to the user themselves, staff and admins.' })
  roles: Role[];

  @Field(() => Boolean, { description: 'Whether the user has confirmed their email address by following the emailed link.' })
  emailVerified: boolean;

  @Field(() => Date, { description: 'When the account was created.' })
  createdAt: Date;

  /**
   * Set (not a GraphQL field) when the caller has just proved they are this user without
   * an access token yet: the user in a login/register payload, or behind a verification link.
   */
  provenByCaller?: boolean;
}
