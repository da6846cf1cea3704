-- AlterTable
ALTER TABLE `profiles` ADD COLUMN `roles_changed_at` DATETIME(3) NULL;

-- CreateTable
CREATE TABLE `profile_roles` (
    `user_id` CHAR(36) NOT NULL,
    `role` ENUM('CUSTOMER', 'STAFF', 'ADMIN') NOT NULL,

    INDEX `profile_roles_role_idx`(`role`),
    PRIMARY KEY (`user_id`, `role`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `profile_roles` ADD CONSTRAINT `profile_roles_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `profiles`(`user_id`) ON DELETE CASCADE ON UPDATE CASCADE;
