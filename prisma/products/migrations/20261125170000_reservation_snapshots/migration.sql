-- AlterTable
ALTER TABLE `reservations` MODIFY `status` ENUM('ACTIVE', 'COMMITTED', 'RELEASED', 'EXPIRED', 'RETURNED') NOT NULL DEFAULT 'ACTIVE';

-- AlterTable
ALTER TABLE `reservation_lines` ADD COLUMN `currency` CHAR(3) NOT NULL,
    ADD COLUMN `product_name` VARCHAR(200) NOT NULL,
    ADD COLUMN `unit_price_amount` BIGINT NOT NULL;

-- Backfill (hand-written): lines reserved before this migration take the product as it is now,
-- the closest snapshot there is.
UPDATE `reservation_lines` `l` JOIN `products` `p` ON `p`.`id` = `l`.`product_id`
SET `l`.`currency` = `p`.`currency`, `l`.`product_name` = `p`.`name`, `l`.`unit_price_amount` = `p`.`price_amount`;
