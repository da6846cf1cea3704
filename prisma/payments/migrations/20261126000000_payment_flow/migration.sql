-- AlterTable
ALTER TABLE `payments` ADD COLUMN `idempotency_key` VARCHAR(100) NULL,
    ADD COLUMN `live_order_id` CHAR(36) NULL,
    ADD COLUMN `method` ENUM('CARD', 'BANK_TRANSFER', 'E_WALLET') NULL,
    ADD COLUMN `provider` VARCHAR(30) NULL,
    ADD COLUMN `provider_ref` VARCHAR(100) NULL,
    ADD COLUMN `captured_amount` BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN `refunded_amount` BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN `failure_reason` VARCHAR(200) NULL;

-- Backfill (hand-written): payments from before the payment flow keep their rows, and what
-- they collected follows from their status. They hold no order (live_order_id stays NULL):
-- several of them may name the same order, which the unique index would refuse.
UPDATE `payments` SET `idempotency_key` = `id`, `method` = 'CARD', `provider` = 'legacy',
    `captured_amount` = IF(`status` IN ('CAPTURED', 'REFUNDED', 'PARTIALLY_REFUNDED'), `amount`, 0),
    `refunded_amount` = IF(`status` = 'REFUNDED', `amount`, 0);

-- AlterTable
ALTER TABLE `payments` MODIFY `idempotency_key` VARCHAR(100) NOT NULL,
    MODIFY `method` ENUM('CARD', 'BANK_TRANSFER', 'E_WALLET') NOT NULL,
    MODIFY `provider` VARCHAR(30) NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX `payments_live_order_id_key` ON `payments`(`live_order_id`);

-- CreateIndex
CREATE UNIQUE INDEX `payments_user_id_idempotency_key_key` ON `payments`(`user_id`, `idempotency_key`);

-- CreateIndex
CREATE UNIQUE INDEX `payments_provider_provider_ref_key` ON `payments`(`provider`, `provider_ref`);

-- CreateTable
CREATE TABLE `refunds` (
    `id` CHAR(36) NOT NULL,
    `payment_id` CHAR(36) NOT NULL,
    `idempotency_key` VARCHAR(150) NOT NULL,
    `amount` BIGINT NOT NULL,
    `provider_ref` VARCHAR(100) NOT NULL,
    `reason` VARCHAR(300) NULL,
    `requested_by` CHAR(36) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `refunds_payment_id_idempotency_key_key`(`payment_id`, `idempotency_key`),
    UNIQUE INDEX `refunds_payment_id_provider_ref_key`(`payment_id`, `provider_ref`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `provider_events` (
    `provider` VARCHAR(30) NOT NULL,
    `event_id` VARCHAR(100) NOT NULL,
    `payment_id` CHAR(36) NULL,
    `received_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`provider`, `event_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `payment_log_entries` (
    `id` CHAR(36) NOT NULL,
    `payment_id` CHAR(36) NULL,
    `kind` ENUM('PROVIDER_REQUEST', 'PROVIDER_RESPONSE', 'WEBHOOK', 'STATE_CHANGE') NOT NULL,
    `provider` VARCHAR(30) NOT NULL,
    `payload` JSON NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `payment_log_entries_created_at_idx`(`created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `outbox_events` (
    `id` CHAR(36) NOT NULL,
    `type` VARCHAR(100) NOT NULL,
    `subject` VARCHAR(200) NOT NULL,
    `payload` JSON NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `published_at` DATETIME(3) NULL,

    INDEX `outbox_events_published_at_created_at_idx`(`published_at`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `processed_events` (
    `consumer` VARCHAR(100) NOT NULL,
    `event_id` CHAR(36) NOT NULL,
    `processed_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`consumer`, `event_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `refunds` ADD CONSTRAINT `refunds_payment_id_fkey` FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
