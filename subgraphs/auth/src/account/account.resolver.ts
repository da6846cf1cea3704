import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AuthContext } from '../context';
import { User } from '../user/user.type';
import type { AccountService } from './account.service';
import { AuthPayload, LoginInput, RegisterInput } from './account.type';

@Resolver()
export class AccountResolver {
  constructor(private readonly accounts: AccountService) {}

  @Mutation(() => AuthPayload, { description: 'Creates a customer account, emails a verification link and signs the new user in. CONFLICT when the email is taken.' })
  register(@Arg('input', () => RegisterInput, { description: 'The new account.' }) input: RegisterInput, @Ctx() context: AuthContext): Promise<AuthPayload> {
    return this.accounts.register(context, input);
  }

  @Mutation(() => AuthPayload, { description: 'Signs in. A wrong password and an unknown email give the same UNAUTHENTICATED error; too many attempts give TOO_MANY_REQUESTS.' })
  login(@Arg('input', () => LoginInput, { description: 'Email and password.' }) input: LoginInput, @Ctx() context: AuthContext): Promise<AuthPayload> {
    return this.accounts.login(context, input);
  }

  @Mutation(() => User, { description: 'Confirms an email address with the token from the emailed link (single use).' })
  verifyEmail(@Arg('token', () => String, { description: 'Token from the verification link.' }) token: string, @Ctx() context: AuthContext): Promise<User> {
    return this.accounts.verifyEmail(context, token);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Emails a new verification link to the signed-in user; earlier links stop working.' })
  resendVerification(@Ctx() context: AuthContext): Promise<boolean> {
    return this.accounts.resendVerification(context);
  }

  @Mutation(() => Boolean, { description: 'Emails a password reset link if an account uses this address. Always true, so it cannot reveal accounts.' })
  requestPasswordReset(@Arg('email', () => String, { description: 'Email address of the account.' }) email: string, @Ctx() context: AuthContext): Promise<boolean> {
    return this.accounts.requestPasswordReset(context, email);
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with the token from the reset link (single use) and signs the user out on every device.' })
  resetPassword(
    @Arg('token', () => String, { description: 'Token from the reset link.' }) token: string,
    @Arg('newPassword', () => String, { description: 'The new password (at least 10 characters, not a common one).' }) newPassword: string,
    @Ctx() context: AuthContext,
  ): Promise<boolean> {
    return this.accounts.resetPassword(context, token, newPassword);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Changes the signed-in user’s password; their other sessions are signed out.' })
  changePassword(
    @Arg('currentPassword', () => String, { description: 'The password in use now.' }) currentPassword: string,
    @Arg('newPassword', () => String, { description: 'The new password (at least 10 characters, not a common one).' }) newPassword: string,
    @Ctx() context: AuthContext,
  ): Promise<boolean> {
    return this.accounts.changePassword(context, currentPassword, newPassword);
  }
}
