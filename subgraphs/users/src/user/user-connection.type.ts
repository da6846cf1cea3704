import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '#kernel';
import { Role } from './role.type';
import { User, UserStatus } from './user.type';

@InputType({ description: 'Narrows the admin user list; every given condition must hold.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Substring of the display name or email address, case-insensitive.' })
  search?: string | null;

  @Field(() => UserStatus, { nullable: true, description: 'Only users in this state; both when omitted.' })
  status?: UserStatus | null;

  @Field(() => Role, { nullable: true, description: 'Only users who hold this role (among others); any roles when omitted.' })
  role?: Role | null;

  @Field(() => Date, { nullable: true, description: 'Only users who joined at or after this instant.' })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only users who joined at or before this instant.' })
  createdTo?: Date | null;
}

@ObjectType({ description: 'One user in a page of users, with the cursor to continue after it.' })
export class UserEdge {
  @Field(() => String, { description: 'Opaque cursor of this edge; pass it as `after` to get the users that follow.' })
  cursor: string;

  @Field(() => User, { description: 'The user.' })
  node: User;
}

@ObjectType({ description: 'A page of users, newest first (Relay cursor connection).' })
export class UserConnection {
  @Field(() => [UserEdge], { description: 'The users of this page.' })
  edges: UserEdge[];

  @Field(() => PageInfo, { description: 'Whether and where to continue.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of users matching the filter, over all pages.' })
  totalCount: number;
}
