import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { AuthContext } from '../context';
import { Role, User } from '../user/user.type';
import type { RoleService } from './role.service';

@Resolver()
export class RoleResolver {
  constructor(private readonly roles: RoleService) {}

  @Authorized('ADMIN')
  @Mutation(() => User, { description: 'Replaces a user’s roles (ADMIN only). The user is signed out so new tokens carry the new roles.' })
  assignRoles(
    @Arg('userId', () => ID, { description: 'The user to change.' }) userId: string,
    @Arg('roles', () => [Role], { description: 'The complete new set of roles.' }) roles: Role[],
    @Ctx() context: AuthContext,
  ): Promise<User> {
    return this.roles.assign(context, userId, roles);
  }
}
