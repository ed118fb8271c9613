-- AlterTable
ALTER TABLE "dlq_replays" ADD COLUMN     "pii_masked" BOOLEAN NOT NULL DEFAULT false;
