import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { UsersContext } from '../context';
import type { UserService } from './user.service';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @Authorized()
  @Query(() => User, {
    nullable: true,
    description: 'A user by id. You may read yourself; staff and admins may read anyone. Errors with NOT_FOUND for an unknown id.',
  })
  user(@Arg('id', () => ID, { description: 'Id of the user.' }) id: string, @Ctx() context: UsersContext): Promise<User> {
    return this.users.get(context, id);
  }
}
