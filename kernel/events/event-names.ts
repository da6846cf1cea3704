import type { Domain } from '../config';

/** Same rule as `subgraphEnv.EVENTS_PREFIX`: legal both in a NATS subject token and a stream name. */
const PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Dot-separated lowercase words, e.g. `user.registered`, `order.status-changed`; at most
 * 100 characters (`outbox_events.type`). No wildcards, so a type is always one subject.
 */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
export const MAX_EVENT_TYPE_LENGTH = 100;

/**
 * The JetStream stream one domain publishes its events to. Every event of the domain
 * is on a subject under {@link subjects}; only that domain's outbox relay writes to it.
 */
export interface EventStream {
  /** `EVENTS_PREFIX`: `shop` in production, unique per test run. */
  prefix: string;
  domain: Domain;
  /** Stream name: `<PREFIX>_<DOMAIN>` upper-cased, e.g. `SHOP_AUTH`. */
  name: string;
  /** The stream's subjects: `<prefix>.<domain>.>`, e.g. `shop.auth.>`. */
  subjects: string;
}

/** Names of `domain`'s event stream under `prefix` (usually `config.EVENTS_PREFIX`). */
export function eventStream(prefix: string, domain: Domain): EventStream {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid events prefix ${JSON.stringify(prefix)}: must be 1-40 letters, digits, _ or -`);
  }
  return { prefix, domain, name: `${prefix}_${domain}`.toUpperCase(), subjects: `${prefix}.${domain}.>` };
}

/** Throws unless `type` is a valid event type ({@link EVENT_TYPE_PATTERN}). */
export function assertEventType(type: string): void {
  if (type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(type)) {
    throw new Error(`invalid event type ${JSON.stringify(type)}: expected dot-separated lowercase words like "user.registered"`);
  }
}

/** Subject an event of `type` is published on: `<prefix>.<domain>.<type>`, e.g. `shop.auth.user.registered`. */
export function eventSubject(stream: EventStream, type: string): string {
  assertEventType(type);
  return `${stream.prefix}.${stream.domain}.${type}`;
}
