-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "created_by" TEXT NOT NULL DEFAULT 'system',
ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "last_used_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "write_keys" ADD COLUMN     "created_by" TEXT NOT NULL DEFAULT 'system',
ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "last_used_at" TIMESTAMP(3),
ADD COLUMN     "name" TEXT;

-- Keys issued before this migration: who issued them is in their audit row, so the seed can
-- find (and retire) the demo keys earlier starts minted.
UPDATE "api_keys" k SET "created_by" = a."actor"
  FROM "audit_logs" a
  WHERE a."entity" = 'api_key' AND a."action" = 'api_key.issue' AND a."entity_id" = k."id";
UPDATE "write_keys" k SET "created_by" = a."actor"
  FROM "audit_logs" a
  WHERE a."entity" = 'write_key' AND a."action" = 'write_key.issue' AND a."entity_id" = k."id";
