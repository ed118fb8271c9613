import type { ProcessorDefinition } from '@tributary/contracts';
import {
  compileProcessor,
  type CompileContext,
  type CompiledProcessor,
  type LookupTableData,
} from '@tributary/pipeline';
import type { ActiveSet } from '@tributary/processors';
import type { Logger } from '@tributary/telemetry';

/** One compiled processor version as a worker runs it. */
export interface RunningProcessor {
  name: string;
  version: number;
  definition: ProcessorDefinition;
  compiled: CompiledProcessor;
  /** Epoch ms this worker started running this version. */
  since: number;
  /** The lookup table versions it was compiled with ("name@version", sorted). */
  tables: string;
}

/** The whole set a batch runs with, taken at the batch's start and kept to its end. */
export interface ProcessorSet {
  readonly processors: readonly RunningProcessor[];
}

/** A version that would not compile here: the previous one (if any) keeps running. */
export interface CompileFailure {
  name: string;
  version: number;
  reason: string;
  at: number;
}

export interface ProcessorSwitch {
  name: string;
  from: number | null;
  to: number | null;
}

export interface ProcessorRegistryOptions {
  /** Reads the active set from Postgres. */
  load: () => Promise<ActiveSet>;
  /** Reads one (immutable) version, for finishing an interrupted batch with the version it started with. */
  loadVersion: (name: string, version: number) => Promise<ProcessorDefinition | null>;
  piiSecret?: string;
  logger: Logger;
  /** Called after each swap that changed something, with what changed. */
  onSwitch?: (switches: ProcessorSwitch[]) => void;
  onCompileFailure?: (failure: CompileFailure) => void;
  now?: () => number;
}

export interface ProcessorRegistry {
  /** The set in force now; a batch takes it once, at its start. */
  current(): ProcessorSet;
  /** Re-reads Postgres and swaps the set (reloads are serialised; a reload asked during one runs after it). */
  reload(cause: string): Promise<void>;
  /** Versions that failed to compile, by processor name (cleared when a later version compiles). */
  failures(): ReadonlyMap<string, CompileFailure>;
  /**
   * A given version, compiled with the current lookup tables: the running one when it matches,
   * otherwise read from Postgres (cached). null when it no longer reads or compiles.
   */
  version(name: string, version: number): Promise<RunningProcessor | null>;
}

const EMPTY: ProcessorSet = { processors: [] };

/**
 * Keeps the compiled processors a worker runs. The set is replaced as a whole, never edited:
 * a batch holds the object it took at its start, so every event of a batch goes through one
 * version of each processor, and the next batch sees the new set ("switch at a batch boundary").
 */
export function createProcessorRegistry(opts: ProcessorRegistryOptions): ProcessorRegistry {
  const { logger } = opts;
  const now = opts.now ?? Date.now;
  let set: ProcessorSet = EMPTY;
  let lookupTables = new Map<string, LookupTableData>();
  let piiFields = new Map<string, string[]>();
  const failed = new Map<string, CompileFailure>();
  const older = new Map<string, RunningProcessor>();
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  function context(): CompileContext {
    const pii = piiFields;
    return {
      lookupTables,
      piiFields: (eventType) => pii.get(eventType) ?? [],
      ...(opts.piiSecret ? { piiSecret: opts.piiSecret } : {}),
    };
  }

  function tablesOf(definition: ProcessorDefinition): string {
    const names = new Set<string>();
    for (const step of definition.steps) if (step.kind === 'enrich_lookup') names.add(step.table);
    return [...names]
      .sort()
      .map((n) => `${n}@${lookupTables.get(n)?.version ?? 'missing'}`)
      .join(',');
  }

  function compile(
    name: string,
    version: number,
    definition: ProcessorDefinition,
  ): { ok: true; running: RunningProcessor } | { ok: false; reason: string } {
    let result: ReturnType<typeof compileProcessor>;
    try {
      result = compileProcessor(definition, context());
    } catch (err) {
      return { ok: false, reason: String(err) };
    }
    if (!result.ok)
      return { ok: false, reason: result.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
    return {
      ok: true,
      running: {
        name,
        version,
        definition,
        compiled: result.processor,
        since: now(),
        tables: tablesOf(definition),
      },
    };
  }

  async function reloadOnce(cause: string) {
    const loaded = await opts.load();
    lookupTables = loaded.lookupTables;
    piiFields = loaded.piiFields;
    older.clear();
    for (const p of loaded.problems) {
      logger.error(
        { kind: p.kind, name: p.name, version: p.version, reason: p.reason },
        'stored processor state unreadable',
      );
    }
    const previous = new Map(set.processors.map((p) => [p.name, p]));
    const next: RunningProcessor[] = [];
    const switches: ProcessorSwitch[] = [];
    for (const a of loaded.processors) {
      const old = previous.get(a.name);
      // Same version over the same lookup table versions: keep the compiled instance (and its since).
      if (old && old.version === a.version && old.tables === tablesOf(a.definition)) {
        next.push(old);
        continue;
      }
      const c = compile(a.name, a.version, a.definition);
      if (!c.ok) {
        const failure = { name: a.name, version: a.version, reason: c.reason, at: now() };
        const known = failed.get(a.name);
        if (!known || known.version !== a.version || known.reason !== c.reason) {
          logger.error(
            { processor: a.name, version: a.version, running: old?.version ?? null, reason: c.reason, cause },
            'processor version does not compile in the worker; the previous version keeps running',
          );
          opts.onCompileFailure?.(failure);
        }
        failed.set(a.name, failure);
        if (old) next.push(old);
        continue;
      }
      failed.delete(a.name);
      next.push(c.running);
      if (old?.version !== a.version)
        switches.push({ name: a.name, from: old?.version ?? null, to: a.version });
    }
    const kept = new Set(loaded.processors.map((p) => p.name));
    for (const old of previous.values()) {
      if (!kept.has(old.name)) switches.push({ name: old.name, from: old.version, to: null });
    }
    for (const name of [...failed.keys()]) if (!kept.has(name)) failed.delete(name);
    set = { processors: next };
    if (switches.length > 0) {
      for (const s of switches)
        logger.info({ processor: s.name, from: s.from, to: s.to, cause }, 'processor switched');
      opts.onSwitch?.(switches);
    }
  }

  return {
    current: () => set,
    failures: () => failed,
    reload(cause) {
      // One reload at a time; hints arriving meanwhile fold into one more reload after it.
      if (queued) return queued;
      const run = chain.then(() => {
        queued = null;
        return reloadOnce(cause);
      });
      queued = run;
      chain = run.catch(() => {});
      return run;
    },
    async version(name, version) {
      const running = set.processors.find((p) => p.name === name && p.version === version);
      if (running) return running;
      const cached = older.get(`${name}@${version}`);
      if (cached) return cached;
      const definition = await opts.loadVersion(name, version);
      if (!definition) return null;
      const c = compile(name, version, definition);
      if (!c.ok) return null;
      older.set(`${name}@${version}`, c.running);
      return c.running;
    },
  };
}
