import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'prisma', 'migrations');
export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'prisma', 'schema.prisma');

export interface MigrationFolder {
  /** Folder name, e.g. `20261122001500_init`; Prisma's `migration_name`. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes, as Prisma stores it in `_prisma_migrations.checksum`. */
  checksum: string;
}

// Prisma names folders `<14-digit timestamp>_<name>` and applies them in lexicographic order.
const FOLDER_RE = /^\d{14}_[A-Za-z0-9_]+$/;

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFolder[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return names.map((name) => {
    if (!FOLDER_RE.test(name)) {
      throw new Error(`migration folder ${name} in ${dir} is not named <yyyyMMddHHmmss>_<name>`);
    }
    const file = join(dir, name, 'migration.sql');
    if (!existsSync(file)) throw new Error(`migration folder ${name} has no migration.sql`);
    const bytes = readFileSync(file);
    return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
  });
}
