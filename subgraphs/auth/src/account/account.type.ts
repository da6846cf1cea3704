import { Field, InputType, ObjectType } from 'type-graphql';
import { User } from '../user/user.type';

@InputType({ description: 'A new account.' })
export class RegisterInput {
  @Field(() => String, { description: 'Email address to sign in with; a verification link is sent to it.' })
  email: string;

  @Field(() => String, { description: 'At least 10 characters, not a commonly used password.' })
  password: string;

  @Field(() => String, { description: 'How the shop addresses the user (1 to 100 characters).' })
  name: string;
}

@InputType({ description: 'Credentials to sign in with.' })
export class LoginInput {
  @Field(() => String, { description: 'Email address of the account.' })
  email: string;

  @Field(() => String, { description: 'Password of the account.' })
  password: string;
}

@ObjectType({ description: 'Tokens for a signed-in session.' })
export class AuthPayload {
  @Field(() => String, { description: 'Short-lived JWT to send as `Authorization: Bearer <token>`.' })
  accessToken: string;

  @Field(() => Date, { description: 'When the access token stops working; refresh before then.' })
  accessTokenExpiresAt: Date;

  @Field(() => String, { description: 'Long-lived secret for `refreshToken`; single use, replaced on every refresh. Keep it private.' })
  refreshToken: string;

  @Field(() => User, { description: 'The signed-in user.' })
  user: User;
}
