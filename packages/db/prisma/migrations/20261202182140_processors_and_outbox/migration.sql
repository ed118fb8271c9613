-- CreateEnum
CREATE TYPE "processor_state" AS ENUM ('draft', 'active', 'paused');

-- CreateTable
CREATE TABLE "processors" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" "processor_state" NOT NULL DEFAULT 'draft',
    "active_version" INTEGER,
    "last_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "processors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processor_versions" (
    "id" TEXT NOT NULL,
    "processor_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "processor_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lookup_tables" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "last_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "lookup_tables_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lookup_table_versions" (
    "id" TEXT NOT NULL,
    "table_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "key_column" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "rows" JSONB NOT NULL,
    "row_count" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "lookup_table_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "control_outbox" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMP(3),

    CONSTRAINT "control_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "processors_name_key" ON "processors"("name");

-- CreateIndex
CREATE UNIQUE INDEX "processor_versions_processor_id_version_key" ON "processor_versions"("processor_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "lookup_tables_name_key" ON "lookup_tables"("name");

-- CreateIndex
CREATE UNIQUE INDEX "lookup_table_versions_table_id_version_key" ON "lookup_table_versions"("table_id", "version");

-- CreateIndex
CREATE INDEX "control_outbox_published_at_id_idx" ON "control_outbox"("published_at", "id");

-- AddForeignKey
ALTER TABLE "processor_versions" ADD CONSTRAINT "processor_versions_processor_id_fkey" FOREIGN KEY ("processor_id") REFERENCES "processors"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lookup_table_versions" ADD CONSTRAINT "lookup_table_versions_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "lookup_tables"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Versions are immutable, like schema versions and the audit log: a version number always
-- means one definition (one lookup table content), whoever asks and whenever.
-- NOTE: \073 stands for the body's one semicolon (the pg adapter splits scripts at each one).
CREATE FUNCTION "versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''% rows are immutable: % refused'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "processor_versions_immutable" BEFORE UPDATE OR DELETE ON "processor_versions"
  FOR EACH ROW EXECUTE FUNCTION "versions_immutable"();
CREATE TRIGGER "lookup_table_versions_immutable" BEFORE UPDATE OR DELETE ON "lookup_table_versions"
  FOR EACH ROW EXECUTE FUNCTION "versions_immutable"();
ALTER TABLE "processor_versions" ENABLE ALWAYS TRIGGER "processor_versions_immutable";
ALTER TABLE "lookup_table_versions" ENABLE ALWAYS TRIGGER "lookup_table_versions_immutable";
