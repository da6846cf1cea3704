import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context';
import type { UserSearchService } from './user-search.service';
import type { UserService } from './user.service';
import { UserConnection, UserFilter } from './user-connection.type';
import { UpdateProfileInput, User, UserStatus } from './user.type';

@Resolver(() => User)
export class UserResolver {
  constructor(
    private readonly userService: UserService,
    private readonly search: UserSearchService,
  ) {}

  @Authorized()
  @Query(() => User, {
    nullable: true,
    description:
      'A user by id. You may read yourself; staff and admins may read anyone (FORBIDDEN otherwise). Errors with NOT_FOUND for an unknown id.',
  })
  user(@Arg('id', () => ID, { description: 'Id of the user.' }) id: string, @Ctx() context: UsersContext): Promise<User> {
    return this.userService.get(context, id);
  }

  @Authorized('ADMIN')
  @Query(() => UserConnection, { description: 'All users, newest first, filtered and paged (ADMIN only).' })
  users(
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Conditions the users must meet.' }) filter: UserFilter | undefined,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 0 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the edge to continue after (`pageInfo.endCursor`).' })
    after: string | undefined,
  ): Promise<UserConnection> {
    return this.search.search(filter, first, after);
  }

  @Authorized()
  @Mutation(() => User, { description: 'Changes the signed-in user’s profile. Invalid values fail with BAD_USER_INPUT naming the field.' })
  updateProfile(@Arg('input', () => UpdateProfileInput, { description: 'The changes.' }) input: UpdateProfileInput, @Ctx() context: UsersContext): Promise<User> {
    return this.userService.updateOwn(context, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => User, { description: 'Changes any user’s profile (ADMIN only). NOT_FOUND for an unknown or deleted user.' })
  updateUser(
    @Arg('id', () => ID, { description: 'The user to change.' }) id: string,
    @Arg('input', () => UpdateProfileInput, { description: 'The changes.' }) input: UpdateProfileInput,
    @Ctx() context: UsersContext,
  ): Promise<User> {
    return this.userService.updateAny(context, id, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, {
    description:
      'Deletes a user (ADMIN only): erases their profile, addresses, preferences and avatar, and closes their account (sign-in refused, sessions ended). Their orders stay.',
  })
  deleteUser(@Arg('id', () => ID, { description: 'The user to delete.' }) id: string, @Ctx() context: UsersContext): Promise<boolean> {
    return this.userService.delete(context, id);
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() user: User, @Ctx() context: UsersContext): string | null {
    return this.userService.personal(context, user, 'phone');
  }

  @FieldResolver(() => String, { nullable: true })
  locale(@Root() user: User, @Ctx() context: UsersContext): string | null {
    return this.userService.personal(context, user, 'locale');
  }

  @FieldResolver(() => String, { nullable: true })
  timezone(@Root() user: User, @Ctx() context: UsersContext): string | null {
    return this.userService.personal(context, user, 'timezone');
  }

  @FieldResolver(() => String, { nullable: true })
  birthday(@Root() user: User, @Ctx() context: UsersContext): string | null {
    return this.userService.personal(context, user, 'birthday');
  }

  @FieldResolver(() => UserStatus)
  status(@Root() user: User, @Ctx() context: UsersContext): UserStatus {
    return this.userService.personal(context, user, 'status');
  }
}
