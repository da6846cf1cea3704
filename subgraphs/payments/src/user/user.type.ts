import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The shared User entity as payments sees it: only its key. Payments contributes no fields
 * to users, so it never resolves them (`resolvable: false`); auth and users do.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User', { description: 'A person with an account in the shop.' })
export class User {
  @Field(() => ID, { description: 'Stable identifier of the user, shared by every subgraph.' })
  id: string;
}

/** A User reference holding only its key. */
export const userRef = (id: string) => Object.assign(new User(), { id });
