-- AlterTable
ALTER TABLE "audit_logs" ADD COLUMN     "actor_kind" TEXT NOT NULL DEFAULT 'system',
ADD COLUMN     "ip" TEXT,
ADD COLUMN     "request_id" TEXT,
ADD COLUMN     "user_agent" TEXT;

-- CreateIndex
CREATE INDEX "audit_logs_actor_at_idx" ON "audit_logs"("actor", "at");

-- CreateIndex
CREATE INDEX "audit_logs_action_at_idx" ON "audit_logs"("action", "at");

-- Rows written before this migration: the kind follows from the name they carry.
UPDATE "audit_logs" SET "actor_kind" = CASE
  WHEN "actor" LIKE 'user:%' THEN 'user'
  WHEN "actor" LIKE 'api_key:%' THEN 'key'
  ELSE 'system' END;

-- Audit rows are append-only for every role, the table's owner included (privileges alone do not
-- bind the owner or a superuser): UPDATE, DELETE and TRUNCATE raise. ENABLE ALWAYS keeps the
-- triggers firing under session_replication_role = replica, which skips ordinary triggers.
-- See docs/decisions/audit-immutable.md.
-- NOTE: the body is an E'' string with \073 for its one semicolon because the pg driver adapter
-- (used by the schema engine in tests) splits scripts at every semicolon, dollar quotes included.
CREATE FUNCTION "audit_logs_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''audit_logs is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END';

CREATE TRIGGER "audit_logs_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_logs"
  FOR EACH ROW EXECUTE FUNCTION "audit_logs_append_only"();
CREATE TRIGGER "audit_logs_no_truncate" BEFORE TRUNCATE ON "audit_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_logs_append_only"();
ALTER TABLE "audit_logs" ENABLE ALWAYS TRIGGER "audit_logs_no_update_delete";
ALTER TABLE "audit_logs" ENABLE ALWAYS TRIGGER "audit_logs_no_truncate";
