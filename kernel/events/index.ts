/** Domain events: a transactional outbox into JetStream, and idempotent durable consumers. See README.md. */
export * from './consume-events';
export * from './event-database';
export * from './event-envelope';
export * from './event-id';
export * from './event-names';
export * from './event-stream';
export * from './event-tables';
export * from './outbox-relay';
export * from './process-once';
export * from './record-event';
export * from './event-outbox';
