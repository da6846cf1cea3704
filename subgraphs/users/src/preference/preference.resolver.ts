import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context';
import { User } from '../user/user.type';
import type { PreferenceService } from './preference.service';
import { Preferences, PreferencesInput } from './preference.type';

@Resolver(() => User)
export class PreferenceResolver {
  constructor(private readonly preferenceService: PreferenceService) {}

  @FieldResolver(() => Preferences, { description: 'The user’s settings, defaults included. Visible only to the user themselves and staff.' })
  preferences(@Root() user: User, @Ctx() context: UsersContext): Promise<Preferences> {
    return this.preferenceService.of(context, user.id);
  }

  @Authorized()
  @Mutation(() => Preferences, { description: 'Changes the signed-in user’s preferences. Invalid values fail with BAD_USER_INPUT naming the field.' })
  updatePreferences(
    @Arg('input', () => PreferencesInput, { description: 'The changes.' }) input: PreferencesInput,
    @Ctx() context: UsersContext,
  ): Promise<Preferences> {
    return this.preferenceService.updateOwn(context, input);
  }
}
