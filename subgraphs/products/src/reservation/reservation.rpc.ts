import type { Msg, NatsConnection, Subscription } from 'nats';
import { concurrencyLimit, type BackgroundWorker, type Logger } from '#kernel';
import type { z } from 'zod';
import { ReservationRef, type ReservationReply, reservationSubjects, ReserveRequest } from './reservation.messages';
import type { ReservationService } from './reservation.service';

/** Options of {@link serveReservations}. */
export interface ReservationRpcOptions {
  nats: NatsConnection;
  log: Logger;
  /** EVENTS_PREFIX of the process. */
  prefix: string;
  reservations: ReservationService;
  /** Requests handled at once; defaults to 6, below the database pool's 10 so GraphQL reads keep connections. */
  concurrency?: number;
}

/**
 * Answers the orders domain's reserve/release/commit requests over NATS request/reply.
 * Service-to-service only: none of it is in the public GraphQL schema. A queue group
 * spreads requests over every products process; each handles a few at a time.
 */
export function serveReservations({ nats, log, prefix, reservations, concurrency = 6 }: ReservationRpcOptions): BackgroundWorker {
  const subjects = reservationSubjects(prefix);
  // A burst of requests waits here rather than timing out in the connection pool.
  const limited = concurrencyLimit(concurrency);
  const subscriptions: Subscription[] = [];
  const inFlight = new Set<Promise<void>>();
  const serve = <S extends z.ZodTypeAny>(subject: string, schema: S, handle: (request: z.infer<S>) => Promise<ReservationReply>) => {
    subscriptions.push(
      nats.subscribe(subject, {
        queue: 'products',
        callback: (error, message) => {
          if (error) return log.error({ err: error, subject }, 'reservation subscription failed');
          const work = limited(() => answer(message, schema, handle, log)).finally(() => inFlight.delete(work));
          inFlight.add(work);
        },
      }),
    );
  };
  serve(subjects.reserve, ReserveRequest, (request) => reservations.reserve(request));
  serve(subjects.release, ReservationRef, (request) => reservations.release(request.reservationId));
  serve(subjects.commit, ReservationRef, (request) => reservations.commit(request.reservationId));
  return {
    name: 'reservation requests',
    stop: async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.drain()));
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function answer<S extends z.ZodTypeAny>(message: Msg, schema: S, handle: (request: z.infer<S>) => Promise<ReservationReply>, log: Logger) {
  let reply: ReservationReply;
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(message.data)));
    reply = parsed.success
      ? await handle(parsed.data)
      : { ok: false, error: { code: 'BAD_REQUEST', message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') } };
  } catch (error) {
    if (error instanceof SyntaxError) {
      reply = { ok: false, error: { code: 'BAD_REQUEST', message: 'The request is not JSON.' } };
    } else {
      log.error({ err: error, subject: message.subject }, 'reservation request failed');
      reply = { ok: false, error: { code: 'INTERNAL', message: 'The reservation could not be processed; try again.' } };
    }
  }
  if (message.reply) message.respond(new TextEncoder().encode(JSON.stringify(reply)));
}
