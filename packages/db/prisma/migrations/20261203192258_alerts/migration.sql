-- CreateTable
CREATE TABLE "alert_rules" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_receivers" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "alert_receivers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_routing" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "policy" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "alert_routing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_mute_timings" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "alert_mute_timings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_silences" (
    "id" TEXT NOT NULL,
    "matchers" JSONB NOT NULL,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3),
    "author" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expired_at" TIMESTAMP(3),
    "expired_by" TEXT,

    CONSTRAINT "alert_silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_instances" (
    "id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "group_key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "last_value" DOUBLE PRECISION,
    "labels" JSONB NOT NULL,
    "last_evaluated_at" TIMESTAMP(3),
    "machine" JSONB NOT NULL,

    CONSTRAINT "alert_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_history" (
    "id" TEXT NOT NULL,
    "rule_id" TEXT,
    "rule_name" TEXT,
    "group_key" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT,
    "receiver" TEXT,
    "outcome" TEXT,
    "silenced" BOOLEAN NOT NULL DEFAULT false,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_name_key" ON "alert_rules"("name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_receivers_name_key" ON "alert_receivers"("name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_mute_timings_name_key" ON "alert_mute_timings"("name");

-- CreateIndex
CREATE INDEX "alert_silences_expired_at_ends_at_idx" ON "alert_silences"("expired_at", "ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_instances_rule_id_group_key_key" ON "alert_instances"("rule_id", "group_key");

-- CreateIndex
CREATE INDEX "alert_history_at_idx" ON "alert_history"("at");

-- CreateIndex
CREATE INDEX "alert_history_rule_id_at_idx" ON "alert_history"("rule_id", "at");

-- AddForeignKey
ALTER TABLE "alert_instances" ADD CONSTRAINT "alert_instances_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
