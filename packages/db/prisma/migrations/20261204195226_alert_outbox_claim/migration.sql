-- AlterTable
ALTER TABLE "alert_history" ADD COLUMN     "claimed_at" TIMESTAMP(3),
ADD COLUMN     "claimed_by" TEXT;
