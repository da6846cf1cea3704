import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { z } from 'zod';
import { concurrencyLimit } from './concurrency-limit';
import { CodedError, ErrorCode } from './errors';
import type { Logger } from './logger';
import type { BackgroundWorker } from './subgraph-server';

/**
 * Service-to-service request/reply over core NATS (not JetStream): one domain asks
 * another for something it must know before answering its own client (orders asks
 * products to hold stock, users whether an address is the caller's). Subjects are
 * `<EVENTS_PREFIX>.rpc.<domain>.<action>`, outside every event stream's subjects
 * (`<prefix>.<domain>.>`), which would otherwise capture the requests.
 *
 * Every reply is JSON: the handler's own `{ ok: true, ... }` value, or an
 * {@link RpcFailure}. Expected refusals are failures with a code, answered as data.
 */
export interface RpcFailure<TCode extends string = string> {
  ok: false;
  error: { code: TCode | 'BAD_REQUEST' | 'INTERNAL'; message: string; [detail: string]: unknown };
}

/** Header carrying the time (Unix ms) after which the caller no longer waits for the answer. */
const DEADLINE_HEADER = 'Shop-Rpc-Deadline';

/** Subject of one action: `<prefix>.rpc.<domain>.<action>`. */
export const rpcSubject = (prefix: string, domain: string, action: string) => `${prefix}.rpc.${domain}.${action}`;

/** Options of {@link startRpcServer}. */
export interface RpcServerOptions {
  nats: NatsConnection;
  log: Logger;
  /** Queue group, so requests spread over every process of the domain; usually the domain's name. */
  queue: string;
  /** Requests handled at once by this process; defaults to 6, below the database pool's 10 so GraphQL reads keep connections. */
  concurrency?: number;
}

/** A running RPC server: add handlers with `serve`, stop with its `worker`. */
export interface RpcServer {
  /** Answers requests on `subject` whose JSON body `schema` accepts; others get BAD_REQUEST. */
  serve<S extends z.ZodType, R extends { ok: boolean }>(subject: string, schema: S, handle: (request: z.output<S>) => Promise<R>): void;
  worker: BackgroundWorker;
}

/**
 * Serves request/reply handlers. A burst of requests waits in memory for one of
 * `concurrency` slots rather than timing out in the connection pool; an unexpected error
 * is logged and answered as INTERNAL without its details.
 */
export function startRpcServer({ nats, log, queue, concurrency = 6 }: RpcServerOptions): RpcServer {
  const limited = concurrencyLimit(concurrency);
  const subscriptions: Subscription[] = [];
  const inFlight = new Set<Promise<void>>();
  return {
    serve(subject, schema, handle) {
      subscriptions.push(
        nats.subscribe(subject, {
          queue,
          callback: (error, message) => {
            if (error) return log.error({ err: error, subject }, 'rpc subscription failed');
            const work = limited(() => (expired(message) ? skip(message, log) : answer(message, schema, handle, log))).finally(() =>
              inFlight.delete(work),
            );
            inFlight.add(work);
          },
        }),
      );
    },
    worker: {
      name: `${queue} rpc`,
      stop: async () => {
        await Promise.all(subscriptions.map((subscription) => subscription.drain()));
        await Promise.allSettled([...inFlight]);
      },
    },
  };
}

/** Whether the caller has stopped waiting (its deadline passed while the request queued). */
function expired(message: Msg): boolean {
  const deadline = Number(message.headers?.get(DEADLINE_HEADER));
  return Number.isFinite(deadline) && deadline > 0 && Date.now() > deadline;
}

// Work done for a caller that gave up (a stock hold, say) would only add to the overload.
async function skip(message: Msg, log: Logger): Promise<void> {
  log.warn({ subject: message.subject }, 'rpc request dropped: its caller stopped waiting before it was handled');
}

async function answer<S extends z.ZodType>(message: Msg, schema: S, handle: (request: z.output<S>) => Promise<unknown>, log: Logger) {
  let reply: unknown;
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(message.data)));
    reply = parsed.success ? await handle(parsed.data) : failure('BAD_REQUEST', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  } catch (error) {
    if (error instanceof SyntaxError) {
      reply = failure('BAD_REQUEST', 'The request is not JSON.');
    } else {
      log.error({ err: error, subject: message.subject }, 'rpc request failed');
      reply = failure('INTERNAL', 'The request could not be processed; try again.');
    }
  }
  if (message.reply) message.respond(new TextEncoder().encode(JSON.stringify(reply)));
}

const failure = (code: 'BAD_REQUEST' | 'INTERNAL', message: string): RpcFailure => ({ ok: false, error: { code, message } });

/**
 * Sends one request and returns the parsed reply. When no process of the other domain
 * answers in `timeoutMs` (down, or overloaded) it throws SERVICE_UNAVAILABLE naming
 * `service`, which the caller's client sees as a retryable error. The request carries
 * its deadline, so a server that only reaches it later drops it instead of acting.
 */
export async function callRpc<R>(nats: NatsConnection, subject: string, request: unknown, { service, timeoutMs = 10_000 }: { service: string; timeoutMs?: number }): Promise<R> {
  let message: Msg;
  try {
    const headers = natsHeaders();
    headers.set(DEADLINE_HEADER, String(Date.now() + timeoutMs));
    message = await nats.request(subject, new TextEncoder().encode(JSON.stringify(request)), { timeout: timeoutMs, headers });
  } catch {
    throw new CodedError(ErrorCode.SERVICE_UNAVAILABLE, `The ${service} service did not answer; try again.`, { service });
  }
  return JSON.parse(new TextDecoder().decode(message.data)) as R;
}
