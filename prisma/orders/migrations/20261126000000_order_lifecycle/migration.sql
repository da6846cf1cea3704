-- DropIndex
DROP INDEX `orders_user_id_created_at_idx` ON `orders`;

-- AlterTable
ALTER TABLE `orders` ADD COLUMN `idempotency_key` VARCHAR(100) NULL,
    ADD COLUMN `request_hash` CHAR(64) NULL,
    ADD COLUMN `reservation_id` CHAR(36) NULL,
    ADD COLUMN `shipping_address` JSON NULL,
    ADD COLUMN `payment_due_at` DATETIME(3) NULL,
    ADD COLUMN `payment_id` VARCHAR(64) NULL;

-- Backfill (hand-written): orders from before placement existed keep their rows; they get
-- their own id as key, no stock hold, and an address marked unknown.
UPDATE `orders` SET `idempotency_key` = `id`, `request_hash` = SHA2(`id`, 256), `reservation_id` = '00000000-0000-0000-0000-000000000000',
    `shipping_address` = JSON_OBJECT('recipientName', 'unknown', 'line1', 'unknown', 'line2', NULL, 'city', 'unknown', 'region', NULL,
        'postalCode', 'unknown', 'countryCode', 'ZZ', 'phone', NULL);

-- AlterTable
ALTER TABLE `orders` MODIFY `idempotency_key` VARCHAR(100) NOT NULL,
    MODIFY `request_hash` CHAR(64) NOT NULL,
    MODIFY `reservation_id` CHAR(36) NOT NULL,
    MODIFY `shipping_address` JSON NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX `orders_user_id_idempotency_key_key` ON `orders`(`user_id`, `idempotency_key`);

-- CreateIndex
CREATE INDEX `orders_user_id_idx` ON `orders`(`user_id`);

-- CreateIndex
CREATE INDEX `orders_status_payment_due_at_idx` ON `orders`(`status`, `payment_due_at`);

-- CreateIndex
CREATE INDEX `order_lines_product_id_idx` ON `order_lines`(`product_id`);

-- CreateTable
CREATE TABLE `order_status_changes` (
    `id` CHAR(36) NOT NULL,
    `order_id` CHAR(36) NOT NULL,
    `from_status` ENUM('PENDING_PAYMENT', 'PAID', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED') NULL,
    `to_status` ENUM('PENDING_PAYMENT', 'PAID', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED') NOT NULL,
    `reason` VARCHAR(500) NULL,
    `actor_kind` ENUM('CUSTOMER', 'STAFF', 'SYSTEM') NOT NULL,
    `actor_user_id` CHAR(36) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `order_status_changes_order_id_created_at_idx`(`order_id`, `created_at`),
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
ALTER TABLE `order_status_changes` ADD CONSTRAINT `order_status_changes_order_id_fkey` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
