import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A signed-in device or browser of the current user.' })
export class Session {
  @Field(() => ID, { description: 'Identifier of the session.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'IP address the session was started from.' })
  ipAddress: string | null;

  @Field(() => Date, { description: 'When the user signed in.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When the session last refreshed its tokens.' })
  lastUsedAt: Date;

  @Field(() => Date, { description: 'When the session ends; refreshing cannot extend it past this.' })
  expiresAt: Date;

  @Field(() => Boolean, { description: 'Whether this is the session making the request.' })
  current: boolean;
}
