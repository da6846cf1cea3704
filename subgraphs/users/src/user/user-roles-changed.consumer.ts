import { z } from 'zod';
import { consumeEvents, eventStream, eventSubject, type BackgroundWorker, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import { Role } from './role.type';
import type { UserService } from './user.service';

/** The part of auth's `user.roles_changed` this domain relies on: the complete role set. */
const UserRolesChanged = z.object({ userId: z.string().length(36), roles: z.array(z.enum(Role)).min(1) });

/**
 * Keeps the roles read model (admin search by role) equal to auth's latest role set.
 * An event older than the set already kept is skipped (see UserService.replaceRoles).
 */
export async function consumeUserRolesChanged(deps: SubgraphDeps<PrismaClient>, users: UserService): Promise<BackgroundWorker> {
  const auth = eventStream(deps.config.EVENTS_PREFIX, 'auth');
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: auth,
    durable: 'users-on-user-roles-changed',
    filterSubjects: [eventSubject(auth, 'user.roles_changed')],
    handle: (event, { tx }) => {
      const { userId, roles } = UserRolesChanged.parse(event.data);
      return users.replaceRoles(tx, userId, roles, new Date(event.occurredAt));
    },
  });
  return { name: 'user.roles_changed consumer', stop: () => consumer.stop() };
}
