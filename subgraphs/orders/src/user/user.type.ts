import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The shared User entity as orders sees it: only its key. Orders contributes no fields
 * to users, so it never resolves them (`resolvable: false`); auth and users do.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User', { description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;
}
