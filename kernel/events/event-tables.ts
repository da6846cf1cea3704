/**
 * The two tables every domain database that records or consumes events needs, in the
 * two forms a domain owner pastes: the models for `prisma/<domain>/schema.prisma` and
 * the SQL `prisma migrate dev` generates for them (Prisma's schema engine cannot run
 * here, so migrations are written by hand; see README.md). A test applies the SQL and
 * checks it against the models with the project's drift check.
 *
 * - `outbox_events`: events written in the transaction of the state change they
 *   describe; {@link OutboxRelay} publishes them to JetStream and sets `published_at`.
 *   The index serves both the relay's scan (`published_at IS NULL ORDER BY created_at,
 *   id`, InnoDB appends the primary key) and pruning old published rows.
 * - `processed_events`: one row per (consumer, event) a consumer has handled, written in
 *   the handler's transaction by {@link processOnce}; its primary key is what makes a
 *   redelivered event change nothing twice.
 */
export const EVENT_TABLES_PRISMA = `/// An event recorded in the transaction of the change it describes; the outbox relay publishes it to NATS JetStream.
model OutboxEvent {
  id          String    @id @db.Char(36)
  type        String    @db.VarChar(100)
  subject     String    @db.VarChar(200)
  /// The whole event envelope { id, type, occurredAt, data }, published as is.
  payload     Json
  createdAt   DateTime  @default(now()) @map("created_at") @db.DateTime(3)
  publishedAt DateTime? @map("published_at") @db.DateTime(3)

  @@index([publishedAt, createdAt])
  @@map("outbox_events")
}

/// An event a durable consumer has handled, recorded in the handler's transaction so a redelivery is skipped.
model ProcessedEvent {
  consumer    String   @db.VarChar(100)
  eventId     String   @map("event_id") @db.Char(36)
  processedAt DateTime @default(now()) @map("processed_at") @db.DateTime(3)

  @@id([consumer, eventId])
  @@map("processed_events")
}
`;

/** `migration.sql` for {@link EVENT_TABLES_PRISMA}, exactly as `prisma migrate dev` writes it for MySQL. */
export const EVENT_TABLES_SQL = `-- CreateTable
CREATE TABLE \`outbox_events\` (
    \`id\` CHAR(36) NOT NULL,
    \`type\` VARCHAR(100) NOT NULL,
    \`subject\` VARCHAR(200) NOT NULL,
    \`payload\` JSON NOT NULL,
    \`created_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`published_at\` DATETIME(3) NULL,

    INDEX \`outbox_events_published_at_created_at_idx\`(\`published_at\`, \`created_at\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`processed_events\` (
    \`consumer\` VARCHAR(100) NOT NULL,
    \`event_id\` CHAR(36) NOT NULL,
    \`processed_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (\`consumer\`, \`event_id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
`;
