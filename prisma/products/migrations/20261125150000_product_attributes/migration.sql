-- CreateTable
CREATE TABLE `product_attributes` (
    `product_id` CHAR(36) NOT NULL,
    `name` VARCHAR(50) NOT NULL,
    `value` VARCHAR(100) NOT NULL,

    INDEX `product_attributes_name_value_idx`(`name`, `value`),
    PRIMARY KEY (`product_id`, `name`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `product_attributes` ADD CONSTRAINT `product_attributes_product_id_fkey` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
