import type { UsersContext } from '../context';
import type { UserService } from './user.service';

/** `User.__resolveReference`: batched through the request's profile DataLoader. */
export const userReference = (users: UserService) => ({
  __resolveReference: (reference: { id: string }, context: UsersContext) => users.findReferenced(context, reference.id),
});
