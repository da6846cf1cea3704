import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AuthContext } from '../context';
import type { UserService } from './user.service';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @FieldResolver(() => String)
  email(@Root() user: User, @Ctx() context: AuthContext): string {
    return this.users.emailOf(context, user);
  }
}
