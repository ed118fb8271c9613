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
import { createTestDatabase } from './test-database.ts';

let instantiated = false;

// Node has WebAssembly, but this repo's TS libs (ES2023, no DOM) do not declare it.
interface WasmApi {
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): { module: string; name: string }[];
  };
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => {
    exports: Record<string, unknown>;
  };
}

// The package's entry does `import * as wasm from "./x.wasm"`, which Node cannot load; instantiate by hand.
function instantiate(): void {
  if (instantiated) return;
  const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const module = new wasmApi.Module(readFileSync(join(dir, 'schema_engine_bg.wasm')));
  const glue = bg as unknown as Record<string, unknown>;
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of wasmApi.Module.imports(module)) {
    (imports[imp.module] ??= {})[imp.name] = glue[imp.name];
  }
  const instance = new wasmApi.Instance(module, imports);
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  instantiated = true;
}

interface OpenEngine {
  engine: SchemaEngine;
  schema: { path: string; content: string };
  close: () => Promise<void>;
}

// NOTE: with a driver adapter the engine has no separate shadow database for `diff` from
// migrations: it replays them on the connected database itself. Callers here therefore only
// ever connect it to a scratch database or to the database they mean to migrate.
async function openSchemaEngine(databaseUrl: string, schemaPath: string): Promise<OpenEngine> {
  instantiate();
  const content = readFileSync(schemaPath, 'utf8');
  const opened: { dispose: () => Promise<void> }[] = [];
  const factory = withCharAsText(new PrismaPg({ connectionString: databaseUrl }), opened);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, content]] }, () => {}, adapter);
  return {
    engine,
    schema: { path: schemaPath, content },
    // The engine keeps Prisma's migration advisory lock on its connection until disposed.
    close: async () => {
      engine.free();
      await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
    },
  };
}

type PgField = { dataTypeID: number };
type PerformIO = (query: unknown) => Promise<{ fields: PgField[] }>;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * NOTE: the engine describes databases with catalog queries returning Postgres' one-byte "char"
 * columns (e.g. pg_class.relkind), which adapter-pg 7.10 rejects as an unsupported type. Reading
 * them as text is exact (pg already gives a one-character string). Patched per adapter instance,
 * so Prisma clients elsewhere in the process are untouched.
 */
function withCharAsText(factory: PrismaPg, opened: { dispose: () => Promise<void> }[]): PrismaPg {
  const patch = <T extends object>(queryable: T): T => {
    const q = queryable as T & {
      performIO?: PerformIO;
      startTransaction?: (...a: unknown[]) => Promise<object>;
    };
    const performIO = q.performIO?.bind(q);
    if (performIO) {
      q.performIO = async (query) => {
        const result = await performIO(query);
        for (const field of result.fields)
          if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
        return result;
      };
    }
    const startTransaction = q.startTransaction?.bind(q);
    if (startTransaction) q.startTransaction = async (...args) => patch(await startTransaction(...args));
    return queryable;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => {
    const adapter = patch(await connect());
    opened.push(adapter);
    return adapter;
  };
  factory.connectToShadowDb = async () => {
    const adapter = patch(await connectToShadowDb());
    opened.push(adapter);
    return adapter;
  };
  return factory;
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

/**
 * SQL that takes a database from the migrations folder's end state to schema.prisma; '' when in
 * sync. Replays the migrations in a scratch database on `serverUrl`'s server, dropped afterwards.
 */
export async function pendingSchemaSql(
  serverUrl: string,
  opts: { migrationsDir?: string; schemaPath?: string } = {},
): Promise<string> {
  const scratch = await createTestDatabase(serverUrl, { migrated: false, prefix: 'tributary_scratch' });
  try {
    const p = await openSchemaEngine(scratch.url, opts.schemaPath ?? SCHEMA_PATH);
    try {
      const result = await p.engine.diff({
        from: { tag: 'migrations', ...migrationList(opts.migrationsDir) },
        to: { tag: 'schemaDatamodel', files: [p.schema] },
        script: true,
        exitCode: true,
        filters: NO_FILTER,
      });
      // exitCode 2 means "the diff is not empty", as with `prisma migrate diff --exit-code`.
      return result.exitCode === 2 ? (result.stdout ?? '') : '';
    } finally {
      await p.close();
    }
  } finally {
    await scratch.drop();
  }
}

/** What `prisma migrate deploy` does: validate recorded checksums, apply unapplied folders. */
export async function prismaDeploy(databaseUrl: string, migrationsDir?: string): Promise<string[]> {
  const p = await openSchemaEngine(databaseUrl, SCHEMA_PATH);
  try {
    const out = await p.engine.applyMigrations({
      migrationsList: migrationList(migrationsDir),
      filters: NO_FILTER,
    });
    return out.appliedMigrationNames;
  } finally {
    await p.close();
  }
}
