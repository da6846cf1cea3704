import { z } from 'zod';
import { consumeEvents, eventStream, eventSubject, type BackgroundWorker, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { UserService } from './user.service';

/** The part of auth's `user.registered` this domain relies on; anything else is refused. */
const UserRegistered = z.object({
  userId: z.string().length(36),
  name: z.string().trim().min(1).max(100),
  email: z.string().min(3).max(254).optional(),
});

/**
 * Gives every new account its profile, seeded with the name given at registration, and
 * the email and roles (CUSTOMER) read models admin search uses. Durable, so events published while this
 * subgraph was down are handled when it returns.
 */
export async function consumeUserRegistered(deps: SubgraphDeps<PrismaClient>, users: UserService): Promise<BackgroundWorker> {
  const auth = eventStream(deps.config.EVENTS_PREFIX, 'auth');
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: auth,
    durable: 'users-on-user-registered',
    filterSubjects: [eventSubject(auth, 'user.registered')],
    handle: (event, { tx }) => users.createProfile(tx, UserRegistered.parse(event.data), new Date(event.occurredAt)),
  });
  return { name: 'user.registered consumer', stop: () => consumer.stop() };
}
