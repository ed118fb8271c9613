import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ControlRecord, SourceControlState, SubjectControlState } from '@tributary/contracts';
import { linearRegExpEngine } from '@tributary/linear-regex';

// ajv-formats is CommonJS; depending on the loader its function arrives as the default or under it.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats);

/** At most this many validator messages per event: enough to fix it, bounded in size. */
const MAX_REASONS = 20;

export type SchemaVerdict =
  /** `version`: the schema version the data matched, null when the type has no schema. */
  | { ok: true; version: number | null }
  | { ok: false; code: 'unknown_event_type'; reasons: string[] }
  | {
      ok: false;
      code: 'schema_violation';
      subject: string;
      version: number;
      enforcement: 'enforce' | 'observe';
      reasons: string[];
    };

interface CompiledSubject {
  enforcement: 'enforce' | 'observe';
  byVersion: Map<number, Validator>;
  latest: Validator | null;
}

interface Validator {
  version: number;
  /** The schema's JSON text: a cached validator is reused only for the identical document. */
  json: string;
  validate: ValidateFunction | null;
  compileError: string | null;
}

export interface SchemaRules {
  /** Takes in a full snapshot read at `revision` (from Postgres), keeping anything newer. */
  load(revision: number, records: ControlRecord[]): void;
  /** Applies one control record unless what is held for its key is newer. Returns whether it applied. */
  apply(record: ControlRecord): boolean;
  check(
    sourceName: string,
    eventType: string,
    data: unknown,
    schemaVersion: number | undefined,
  ): SchemaVerdict;
  /**
   * The source's own rate limit of each write key, in events (either figure may be null: the
   * caller's default applies); null when the source sets none or is not known here.
   */
  sourceRateLimit(sourceName: string): SourceRateLimit | null;
  /** For logs and tests: what is held for a subject. */
  describe(subject: string): { enforcement: string; versions: number[]; revision: number } | null;
}

export type SourceRateLimit = NonNullable<SourceControlState['rateLimit']>;

const PASS_UNVERSIONED: SchemaVerdict = { ok: true, version: null };

/**
 * The registry as ingest holds it: per subject its enforcement and one compiled validator per
 * active version, per source its policy for event types without a subject. The hot path is a
 * Map lookup and a compiled validator call.
 */
export function createSchemaRules(
  opts: { onCompileError?: (subject: string, version: number, message: string) => void } = {},
): SchemaRules {
  // NOTE: addUsedSchema false: schemas of different subjects may declare the same $id, which
  // ajv would otherwise refuse as a duplicate in one instance.
  // CRITICAL: patterns match with RE2 (linear time): a registered `^(a|a)*$` must not be able to
  // freeze ingest's event loop (docs/decisions/linear-regex.md). A pattern RE2 cannot run fails
  // compilation here, so its events are refused rather than matched by a backtracking engine.
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    addUsedSchema: false,
    code: { regExp: linearRegExpEngine },
  });
  addFormats(ajv);

  const subjects = new Map<string, CompiledSubject>();
  const sources = new Map<string, 'allow' | 'reject'>();
  const rateLimits = new Map<string, SourceRateLimit>();
  // Revision of what is held per control key; keys absent here are as old as `baseRevision`.
  const revisions = new Map<string, number>();
  let baseRevision = -1;

  function compile(subject: string, version: number, schema: Record<string, unknown>, previous?: Validator) {
    const json = JSON.stringify(schema);
    if (previous && previous.json === json) return previous;
    try {
      return { version, json, validate: ajv.compile(schema), compileError: null };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      opts.onCompileError?.(subject, version, message);
      return { version, json, validate: null, compileError: message };
    }
  }

  function setSubject(name: string, state: SubjectControlState | null): void {
    if (!state) {
      subjects.delete(name);
      return;
    }
    const previous = subjects.get(name);
    const byVersion = new Map<number, Validator>();
    let latest: Validator | null = null;
    for (const v of state.versions) {
      const compiled = compile(name, v.version, v.schema, previous?.byVersion.get(v.version));
      byVersion.set(v.version, compiled);
      if (!latest || v.version > latest.version) latest = compiled;
    }
    subjects.set(name, { enforcement: state.enforcement, byVersion, latest });
  }

  function setRecord(record: ControlRecord): void {
    if (record.kind === 'subject') setSubject(record.name, record.state);
    else if (record.state) {
      sources.set(record.name, record.state.unknownEventTypes);
      if (record.state.rateLimit) rateLimits.set(record.name, record.state.rateLimit);
      else rateLimits.delete(record.name);
    } else {
      sources.delete(record.name);
      rateLimits.delete(record.name);
    }
  }

  function apply(record: ControlRecord): boolean {
    const key = `${record.kind}:${record.name}`;
    if (record.revision < (revisions.get(key) ?? baseRevision)) return false;
    setRecord(record);
    revisions.set(key, record.revision);
    return true;
  }

  return {
    load(revision, records) {
      // A record that arrived on the topic while the snapshot was read may be newer than the
      // snapshot: the per-key revision check keeps it. Compiled validators of unchanged versions
      // are reused (setSubject looks them up), so a periodic reload costs no recompilation.
      const present = new Set(records.map((r) => `${r.kind}:${r.name}`));
      for (const name of [...subjects.keys()]) {
        const key = `subject:${name}`;
        if (!present.has(key) && (revisions.get(key) ?? baseRevision) < revision) {
          subjects.delete(name);
          revisions.delete(key);
        }
      }
      for (const name of [...sources.keys()]) {
        const key = `source:${name}`;
        if (!present.has(key) && (revisions.get(key) ?? baseRevision) < revision) {
          sources.delete(name);
          rateLimits.delete(name);
          revisions.delete(key);
        }
      }
      baseRevision = Math.max(baseRevision, revision);
      for (const r of records) apply(r);
    },

    apply,

    check(sourceName, eventType, data, schemaVersion) {
      const subject = subjects.get(eventType);
      if (!subject) {
        // Sources created after this instance loaded and never published default to allow,
        // as the column does.
        if (sources.get(sourceName) === 'reject') {
          return {
            ok: false,
            code: 'unknown_event_type',
            reasons: [
              `event_type '${eventType}' has no registered schema, and source '${sourceName}' rejects unknown event types`,
            ],
          };
        }
        return PASS_UNVERSIONED;
      }
      const named = schemaVersion === undefined ? undefined : subject.byVersion.get(schemaVersion);
      const validator = named ?? subject.latest;
      // Every version deprecated or deleted: the subject no longer constrains its events.
      if (!validator) return PASS_UNVERSIONED;
      if (validator.validate) {
        if (validator.validate(data)) return { ok: true, version: validator.version };
      }
      return {
        ok: false,
        code: 'schema_violation',
        subject: eventType,
        version: validator.version,
        enforcement: subject.enforcement,
        reasons: validator.validate
          ? describeErrors(validator.validate.errors)
          : [`schema version ${validator.version} could not be compiled: ${validator.compileError}`],
      };
    },

    sourceRateLimit: (sourceName) => rateLimits.get(sourceName) ?? null,

    describe(subject) {
      const s = subjects.get(subject);
      if (!s) return null;
      return {
        enforcement: s.enforcement,
        versions: [...s.byVersion.keys()],
        revision: revisions.get(`subject:${subject}`) ?? baseRevision,
      };
    },
  };
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  const all = (errors ?? []).map(describe);
  if (all.length <= MAX_REASONS) return all.length > 0 ? all : ['data does not match the schema'];
  return [...all.slice(0, MAX_REASONS), `… and ${all.length - MAX_REASONS} more`];
}

function describe(e: ErrorObject): string {
  const where = `data${e.instancePath.replaceAll('/', '.')}`;
  if (e.keyword === 'required')
    return `${where}: missing required field '${String(e.params.missingProperty)}'`;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown field '${String(e.params.additionalProperty)}' (the schema does not allow it)`;
  }
  return `${where}: ${e.message ?? 'is invalid'}`;
}
