import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AuthPayload } from '../account/account.type';
import type { AuthContext } from '../context';
import type { SessionService } from './session.service';
import { Session } from './session.type';

@Resolver(() => Session)
export class SessionResolver {
  constructor(private readonly sessionService: SessionService) {}

  @Mutation(() => AuthPayload, {
    description: 'Exchanges a refresh token for new tokens. Each refresh token works once; presenting a used one again ends its session.',
  })
  refreshToken(@Arg('refreshToken', () => String, { description: 'The latest refresh token of the session.' }) refreshToken: string, @Ctx() context: AuthContext): Promise<AuthPayload> {
    return this.sessionService.refresh(context, refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Signs out: the current session’s refresh and access tokens stop working at once.' })
  async logout(@Ctx() context: AuthContext): Promise<boolean> {
    await this.sessionService.logout(context);
    return true;
  }

  @Authorized()
  @Query(() => [Session], { description: 'The signed-in user’s active sessions, newest first.' })
  sessions(@Ctx() context: AuthContext): Promise<Session[]> {
    return this.sessionService.listOwn(context);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Signs one of your sessions out (e.g. a lost phone). NOT_FOUND for a session that is not yours.' })
  async revokeSession(@Arg('id', () => ID, { description: 'Id of the session.' }) id: string, @Ctx() context: AuthContext): Promise<boolean> {
    await this.sessionService.revokeOwn(context, id, 'revoked_by_user');
    return true;
  }
}
