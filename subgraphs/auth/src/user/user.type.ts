import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Auth's half of the shared User entity: the account itself. The users subgraph adds
 * the profile fields under the same id.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;

  // Resolved by UserResolver.email, which hides it from everyone but the owner and staff.
  @Field(() => String, { description: 'Sign-in email address. Visible only to the user themselves, staff and admins.' })
  email: string;

  @Field(() => Date, { description: 'When the account was created.' })
  createdAt: Date;
}
