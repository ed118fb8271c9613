-- CreateTable
CREATE TABLE "dlq_replays" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "selection" JSONB NOT NULL,
    "schema_version" INTEGER,
    "edited" BOOLEAN NOT NULL DEFAULT false,
    "rate" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed_again" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "dlq_replays_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dlq_replays_started_at_idx" ON "dlq_replays"("started_at");
