import type { NatsConnection } from 'nats';
import type { Domain } from '../config';
import type { Logger } from '../logger';
import type { EventDatabase } from './event-database';
import { OutboxRelay } from './outbox-relay';
import { createEventRecorder, type RecordEvent } from './record-event';

/** The producing side of a domain's events, as its services use it. */
export interface EventOutbox {
  /** Records an event in the caller's transaction (see {@link createEventRecorder}). */
  record: RecordEvent;
  /** Asks the relay to publish now instead of at its next poll; call after the commit. */
  published: () => void;
  /** The running relay, for the subgraph's `workers` (stopped at shutdown). */
  worker: { name: string; stop: () => Promise<void> };
}

/** Starts one domain's outbox relay and returns what its services and `setup` need. */
export function startEventOutbox(
  deps: { db: EventDatabase; nats: NatsConnection; log: Logger; config: { EVENTS_PREFIX: string; OUTBOX_RELAY?: 'on' | 'off' } },
  domain: Domain,
): EventOutbox {
  const prefix = deps.config.EVENTS_PREFIX;
  if (deps.config.OUTBOX_RELAY === 'off') {
    deps.log.info('outbox relay off in this process (OUTBOX_RELAY=off); other processes publish the events it records');
    return { record: createEventRecorder({ prefix, domain }), published: () => {}, worker: { name: 'outbox relay (off)', stop: async () => {} } };
  }
  const relay = new OutboxRelay({ db: deps.db, nats: deps.nats, log: deps.log, domain, prefix });
  relay.start();
  return {
    record: createEventRecorder({ prefix, domain }),
    published: () => relay.notify(),
    worker: { name: 'outbox relay', stop: () => relay.stop() },
  };
}
