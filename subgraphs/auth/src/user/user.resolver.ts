import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { AuthContext } from '../context';
import type { UserService } from './user.service';
import { Role, User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @Authorized()
  @Query(() => User, { description: 'The signed-in user. UNAUTHENTICATED without a valid access token.' })
  me(@Ctx() context: AuthContext): Promise<User> {
    return this.users.me(context);
  }

  @FieldResolver(() => String)
  email(@Root() user: User, @Ctx() context: AuthContext): string {
    return this.users.personal(context, user, 'email');
  }

  @FieldResolver(() => [Role])
  roles(@Root() user: User, @Ctx() context: AuthContext): Role[] {
    return this.users.personal(context, user, 'roles');
  }
}
