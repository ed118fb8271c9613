-- AlterTable
ALTER TABLE "alert_instances" ADD COLUMN     "acknowledged_at" TIMESTAMP(3),
ADD COLUMN     "acknowledged_by" TEXT;

-- CreateTable
CREATE TABLE "alert_notifier_state" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "state" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_notifier_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_inbox_messages" (
    "id" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "body" JSONB NOT NULL,

    CONSTRAINT "alert_inbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_inbox_messages_received_at_idx" ON "alert_inbox_messages"("received_at");

-- CreateIndex
CREATE INDEX "alert_history_kind_outcome_idx" ON "alert_history"("kind", "outcome");
