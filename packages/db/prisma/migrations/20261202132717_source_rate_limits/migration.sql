-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "rate_limit_burst" INTEGER,
ADD COLUMN     "rate_limit_per_second" INTEGER;
