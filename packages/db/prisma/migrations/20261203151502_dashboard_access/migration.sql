-- AlterTable
ALTER TABLE "dashboards" ADD COLUMN     "edit_roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "view_roles" TEXT[] DEFAULT ARRAY[]::TEXT[];
