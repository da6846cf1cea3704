import { z } from 'zod';
import { consumeEvents, eventStream, eventSubject, type BackgroundWorker, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { UserService } from './user.service';

/** The part of auth's `user.email_verified` this domain relies on. */
const UserEmailVerified = z.object({ userId: z.string().length(36), email: z.string().min(3).max(254) });

/**
 * Keeps the email read model (admin search) current when a user verifies their address.
 * Its own durable consumer: NATS 2.9 takes one filter subject per consumer.
 */
export async function consumeUserEmailVerified(deps: SubgraphDeps<PrismaClient>, users: UserService): Promise<BackgroundWorker> {
  const auth = eventStream(deps.config.EVENTS_PREFIX, 'auth');
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: auth,
    durable: 'users-on-user-email-verified',
    filterSubjects: [eventSubject(auth, 'user.email_verified')],
    handle: (event, { tx }) => users.markEmailVerified(tx, UserEmailVerified.parse(event.data)),
  });
  return { name: 'user.email_verified consumer', stop: () => consumer.stop() };
}
