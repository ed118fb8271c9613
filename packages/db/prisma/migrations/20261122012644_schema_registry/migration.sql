-- CreateEnum
CREATE TYPE "unknown_event_types" AS ENUM ('allow', 'reject');

-- CreateEnum
CREATE TYPE "compatibility_mode" AS ENUM ('BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE');

-- CreateEnum
CREATE TYPE "enforcement" AS ENUM ('enforce', 'observe');

-- CreateEnum
CREATE TYPE "schema_version_status" AS ENUM ('active', 'deprecated');

-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "unknown_event_types" "unknown_event_types" NOT NULL DEFAULT 'allow';

-- CreateTable
CREATE TABLE "subjects" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "compatibility" "compatibility_mode" NOT NULL DEFAULT 'BACKWARD',
    "enforcement" "enforcement" NOT NULL DEFAULT 'enforce',
    "owner" TEXT,
    "description" TEXT,
    "last_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subjects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schema_versions" (
    "id" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "schema" JSONB NOT NULL,
    "status" "schema_version_status" NOT NULL DEFAULT 'active',
    "description" TEXT,
    "examples" JSONB,
    "field_tags" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "schema_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "subjects_name_key" ON "subjects"("name");

-- CreateIndex
CREATE UNIQUE INDEX "schema_versions_subject_id_version_key" ON "schema_versions"("subject_id", "version");

-- AddForeignKey
ALTER TABLE "schema_versions" ADD CONSTRAINT "schema_versions_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "subjects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
