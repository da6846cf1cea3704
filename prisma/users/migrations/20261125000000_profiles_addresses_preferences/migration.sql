-- AlterTable
ALTER TABLE `profiles` ADD COLUMN `avatar_key` VARCHAR(100) NULL,
    ADD COLUMN `birthday` DATE NULL,
    ADD COLUMN `deleted_at` DATETIME(3) NULL,
    ADD COLUMN `email` VARCHAR(254) NULL,
    ADD COLUMN `email_verified` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `locale` VARCHAR(35) NULL,
    ADD COLUMN `phone` VARCHAR(16) NULL,
    ADD COLUMN `timezone` VARCHAR(64) NULL,
    MODIFY `display_name` VARCHAR(100) NULL;

-- CreateTable
CREATE TABLE `addresses` (
    `id` CHAR(36) NOT NULL,
    `user_id` CHAR(36) NOT NULL,
    `recipient_name` VARCHAR(100) NOT NULL,
    `line1` VARCHAR(200) NOT NULL,
    `line2` VARCHAR(200) NULL,
    `city` VARCHAR(100) NOT NULL,
    `region` VARCHAR(100) NULL,
    `postal_code` VARCHAR(20) NOT NULL,
    `country_code` CHAR(2) NOT NULL,
    `phone` VARCHAR(16) NULL,
    `is_default_shipping` BOOLEAN NOT NULL DEFAULT false,
    `is_default_billing` BOOLEAN NOT NULL DEFAULT false,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    INDEX `addresses_user_id_created_at_idx`(`user_id`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `preferences` (
    `user_id` CHAR(36) NOT NULL,
    `newsletter` BOOLEAN NOT NULL DEFAULT false,
    `currency` CHAR(3) NOT NULL DEFAULT 'USD',
    `language` VARCHAR(35) NOT NULL DEFAULT 'en',
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`user_id`)
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

-- CreateIndex
CREATE INDEX `profiles_created_at_user_id_idx` ON `profiles`(`created_at`, `user_id`);

-- AddForeignKey
ALTER TABLE `addresses` ADD CONSTRAINT `addresses_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `profiles`(`user_id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `preferences` ADD CONSTRAINT `preferences_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `profiles`(`user_id`) ON DELETE CASCADE ON UPDATE CASCADE;
