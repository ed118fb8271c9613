-- AlterTable
ALTER TABLE "dlq_replays" ADD COLUMN     "edited_payload" TEXT,
ADD COLUMN     "runner" TEXT;
