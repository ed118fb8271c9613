// Dev/test tool: Prisma's own schema engine, compiled to WebAssembly and published on npm, driven
// through the pg driver adapter. The CLI's native engine cannot be downloaded here (see
// docs/decisions/prisma-migrations.md); this one ships in the registry and needs no download.
// Used to write new migrations (scripts/new-migration.ts) and to prove in tests that the
// migration files match schema.prisma and that `migrate deploy` accepts what migrate.ts recorded.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { MIGRATIONS_DIR, SCHEMA_PATH, readMigrations } from './migrations-dir.ts';

let instantiated = false;

// The package's entry does `import * as wasm from "./x.wasm"`, which Node cannot load; instantiate by hand.
function instantiate(): void {
  if (instantiated) return;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm/package.json'));
  const module = new WebAssembly.Module(readFileSync(join(dir, 'schema_engine_bg.wasm')));
  const glue = bg as unknown as Record<string, WebAssembly.ImportValue>;
  const imports: WebAssembly.Imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    (imports[imp.module] ??= {})[imp.name] = glue[imp.name] as WebAssembly.ImportValue;
  }
  const instance = new WebAssembly.Instance(module, imports);
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  instantiated = true;
}

export interface PrismaEngine {
  engine: SchemaEngine;
  schema: { path: string; content: string };
}

/** An engine bound to `databaseUrl`; `diff` against migrations creates (and drops) a shadow database there. */
export async function openSchemaEngine(databaseUrl: string, schemaPath: string = SCHEMA_PATH): Promise<PrismaEngine> {
  instantiate();
  const content = readFileSync(schemaPath, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, content]] }, () => {}, adapter);
  return { engine, schema: { path: schemaPath, content } };
}

export function migrationList(dir: string = MIGRATIONS_DIR): MigrationList {
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: readFileSync(lockPath, 'utf8') },
    shadowDbInitScript: '',
    migrationDirectories: readMigrations(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/** SQL that takes a database from the migrations folder's end state to schema.prisma; empty when in sync. */
export async function pendingSchemaSql(p: PrismaEngine, dir: string = MIGRATIONS_DIR): Promise<string> {
  const result = await p.engine.diff({
    from: { tag: 'migrations', ...migrationList(dir) },
    to: { tag: 'schemaDatamodel', files: [p.schema] },
    script: true,
    exitCode: true,
    filters: NO_FILTER,
  });
  // exitCode 2 means "the diff is not empty" (same as `prisma migrate diff --exit-code`).
  return result.exitCode === 2 ? (result.stdout ?? '') : '';
}

/** What `prisma migrate deploy` does: apply unapplied folders, after validating recorded checksums. */
export async function prismaDeploy(p: PrismaEngine, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const out = await p.engine.applyMigrations({ migrationsList: migrationList(dir), filters: NO_FILTER });
  return out.appliedMigrationNames;
}
