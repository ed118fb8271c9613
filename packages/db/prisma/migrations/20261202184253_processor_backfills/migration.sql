-- CreateTable
CREATE TABLE "processor_backfills" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "processor_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "range_from" TIMESTAMP(3) NOT NULL,
    "range_to" TIMESTAMP(3) NOT NULL,
    "rate" INTEGER,
    "state" TEXT NOT NULL,
    "run" TEXT NOT NULL,
    "snapshot_at" TIMESTAMP(3) NOT NULL,
    "total" INTEGER NOT NULL,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "kept" INTEGER NOT NULL DEFAULT 0,
    "dropped" INTEGER NOT NULL DEFAULT 0,
    "dead_lettered" INTEGER NOT NULL DEFAULT 0,
    "chunks_done" INTEGER NOT NULL DEFAULT 0,
    "last_key" JSONB,
    "stop_requested" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "actor" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "processor_backfills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "processor_backfills_key_key" ON "processor_backfills"("key");

-- CreateIndex
CREATE INDEX "processor_backfills_started_at_idx" ON "processor_backfills"("started_at");
