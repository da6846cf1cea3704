import { z } from 'zod';
import { consumeEvents, eventStream, eventSubject, type BackgroundWorker, type SubgraphDeps } from '#kernel';
import type { PrismaClient } from '../generated/prisma/client';
import type { TransactionClient } from '../session/session.service';
import type { AccountService } from './account.service';

/** The part of the users domain's `user.deleted` this domain relies on. */
const UserDeleted = z.object({ userId: z.string().length(36) });

/**
 * Closes the account of every user an admin deleted in the users domain (which owns the
 * deletion and erases the profile). Durable, so a deletion made while auth was down is
 * applied when it returns.
 */
export async function consumeUserDeleted(deps: SubgraphDeps<PrismaClient>, accounts: AccountService): Promise<BackgroundWorker> {
  const users = eventStream(deps.config.EVENTS_PREFIX, 'users');
  const consumer = await consumeEvents({
    nats: deps.nats,
    log: deps.log,
    db: deps.db,
    stream: users,
    durable: 'auth-on-user-deleted',
    filterSubjects: [eventSubject(users, 'user.deleted')],
    handle: (event, { tx }) => accounts.closeAccount(tx as TransactionClient, UserDeleted.parse(event.data).userId),
  });
  return { name: 'user.deleted consumer', stop: () => consumer.stop() };
}
