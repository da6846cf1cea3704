import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The users subgraph's half of the shared User entity: the profile. The account itself
 * (email, sign-up date) belongs to the auth subgraph.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'Name shown to others; null until the user has created a profile.' })
  displayName: string | null;
}
