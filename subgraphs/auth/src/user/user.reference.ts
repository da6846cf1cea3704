import type { AuthContext } from '../context';
import type { UserService } from './user.service';

/** `User.__resolveReference`: batched through the request's DataLoader. */
export const userReference = (users: UserService) => ({
  __resolveReference: (reference: { id: string }, context: AuthContext) => users.findReferenced(context, reference.id),
});
