import type { QueryTarget } from '@tributary/clickhouse';
import type { ProcessorEvent, StepKind, StepResult } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import {
  createMemoryDedupeStore,
  createSchemaRules,
  type AggregateContribution,
  type CompiledProcessor,
  type StepStats,
} from '@tributary/pipeline';
import { controlSnapshot } from '@tributary/registry';
import { requireValidDefinition } from './check-definition.ts';
import { diffEvents, valueAt, type FieldChange } from './event-diff.ts';
import { outputProblems } from './output-check.ts';
import { PiiMasker } from './pii-mask.ts';
import { recentInputDeadLetters, recentInputEvents } from './preview-sources.ts';

export const PREVIEW_DEFAULT_LIMIT = 200;
export const PREVIEW_MAX_LIMIT = 2000;
/** Per-event detail returned (counts and step costs cover every event read). */
export const PREVIEW_SHOWN_EVENTS = 500;
const SHOWN_CONTRIBUTIONS = 200;

export interface PreviewDeps {
  db: Db;
  /** The console's bounded, read-only ClickHouse target. */
  clickhouse: QueryTarget;
  piiSecret?: string;
}

export interface PreviewCounts {
  input: number;
  kept: number;
  dropped: number;
  deadLettered: number;
}

export interface PreviewStep {
  id: string;
  kind: StepKind;
  in: number;
  kept: number;
  dropped: number;
  deadLettered: number;
  /** Measured over this preview's events; a figure for comparing steps, not a benchmark. */
  microsPerEvent: number;
}

export interface PreviewEvent {
  origin: 'event' | 'dead_letter';
  /** The dead letter's id, for origin dead_letter. */
  deadLetterId: string | null;
  event_id: string;
  event_type: string;
  source: string;
  outcome: 'kept' | 'dropped' | 'dead_lettered';
  /** Why it was dropped or dead-lettered. */
  reason: string | null;
  /** The dead-letter code it would get (processor_error, late_event, …). */
  code: string | null;
  /** What the steps changed (kept events only), changed paths only. */
  changes: FieldChange[];
  /** Why the output would not take it (kept events only). */
  outputProblems: string[];
}

export interface PreviewResult {
  limit: number;
  counts: PreviewCounts & { events: PreviewCounts; deadLetters: PreviewCounts };
  /** Dead letters of the inputs whose payload is not a readable event (not run). */
  unreadableDeadLetters: number;
  steps: PreviewStep[];
  events: PreviewEvent[];
  /** events.length < counts.input: only the first PREVIEW_SHOWN_EVENTS are detailed. */
  eventsTruncated: boolean;
  output: {
    kind: 'events' | 'table' | 'aggregate';
    /** Kept events checked against the output. */
    checked: number;
    invalid: number;
    /** For 'aggregate': what the kept events add to which windows (the first ones). */
    contributions: AggregateContribution[];
    contributionCount: number;
  };
  /** Why field names were not checked against schemas, when they were not. */
  fieldsUnchecked: string | null;
  /** pii values were replaced by a mark for this caller. */
  piiMasked: boolean;
  /** For a caller who may see pii: the pii fields of the event types read (what was revealed). */
  revealedPiiFields: string[];
}

/**
 * Runs a draft (never stored) on the newest `limit` events of its inputs read from ClickHouse,
 * and on as many of the inputs' newest dead letters, as the workers would: same compiled steps,
 * a fresh in-memory dedupe store, a watermark starting empty. Reports what it kept, dropped and
 * dead-lettered, each step's cost, each event's changes, and whether the output would take the
 * results. pii values are replaced unless `revealPii` (the caller holds pii:read).
 */
export async function previewDefinition(
  deps: PreviewDeps,
  input: { definition: unknown; limit?: number },
  opts: { revealPii: boolean },
): Promise<PreviewResult> {
  const limit = Math.min(Math.max(1, Math.floor(input.limit ?? PREVIEW_DEFAULT_LIMIT)), PREVIEW_MAX_LIMIT);
  const checked = await requireValidDefinition(deps.db, input.definition, { piiSecret: deps.piiSecret });
  const { definition, processor, loaded } = checked;
  const [events, deadLetters, snapshot] = await Promise.all([
    recentInputEvents(deps.clickhouse, definition.inputs, limit),
    recentInputDeadLetters(deps.clickhouse, definition.inputs, limit),
    definition.output.kind === 'events' ? controlSnapshot(deps.db) : null,
  ]);
  const rules = createSchemaRules();
  if (snapshot) rules.load(snapshot.revision, snapshot.records);

  const fromEvents = await runAll(processor, events);
  const fromDeadLetters = await runAll(
    processor,
    deadLetters.entries.map((d) => d.event),
  );

  const piiOf = (e: ProcessorEvent) => (opts.revealPii ? [] : (loaded.piiFields.get(e.event_type) ?? []));
  const masker = new PiiMasker();
  if (!opts.revealPii) {
    for (const e of events) masker.learn(e, piiOf(e));
    for (const d of deadLetters.entries) masker.learn(d.event, piiOf(d.event));
  }

  const shown: PreviewEvent[] = [];
  let checkedOutputs = 0;
  let invalid = 0;
  const describe = (
    origin: PreviewEvent['origin'],
    before: ProcessorEvent,
    result: StepResult,
    deadLetterId: string | null,
  ) => {
    const base = {
      origin,
      deadLetterId,
      event_id: before.event_id,
      event_type: before.event_type,
      source: before.source,
    };
    let entry: PreviewEvent;
    if (result.kind === 'ok') {
      const problems = outputProblems(definition.output, result.event, rules);
      checkedOutputs++;
      if (problems.length > 0) invalid++;
      const fields = piiOf(before);
      // A pii field the steps changed (hashed) is shown changed; one they left is masked on both sides.
      const unchanged = fields.filter((f) => sameJson(valueAt(before, f), valueAt(result.event, f)));
      entry = {
        ...base,
        outcome: 'kept',
        reason: null,
        code: null,
        changes: opts.revealPii
          ? diffEvents(before, result.event)
          : masker.mask(diffEvents(masker.mask(before, fields), masker.mask(result.event, unchanged))),
        outputProblems: problems,
      };
    } else if (result.kind === 'drop') {
      entry = {
        ...base,
        outcome: 'dropped',
        reason: result.reason,
        code: null,
        changes: [],
        outputProblems: [],
      };
    } else {
      entry = {
        ...base,
        outcome: 'dead_lettered',
        reason: result.reason,
        code: result.code,
        changes: [],
        outputProblems: [],
      };
    }
    if (shown.length < PREVIEW_SHOWN_EVENTS) shown.push(entry);
  };
  events.forEach((e, i) => describe('event', e, fromEvents.results[i]!, null));
  deadLetters.entries.forEach((d, i) => describe('dead_letter', d.event, fromDeadLetters.results[i]!, d.id));

  const eventCounts = countsOf(fromEvents.results);
  const deadLetterCounts = countsOf(fromDeadLetters.results);
  const contributions = [...fromEvents.contributions, ...fromDeadLetters.contributions];
  return {
    limit,
    counts: {
      input: eventCounts.input + deadLetterCounts.input,
      kept: eventCounts.kept + deadLetterCounts.kept,
      dropped: eventCounts.dropped + deadLetterCounts.dropped,
      deadLettered: eventCounts.deadLettered + deadLetterCounts.deadLettered,
      events: eventCounts,
      deadLetters: deadLetterCounts,
    },
    unreadableDeadLetters: deadLetters.unreadable,
    steps: mergeSteps(fromEvents.steps, fromDeadLetters.steps),
    events: shown,
    eventsTruncated: shown.length < events.length + deadLetters.entries.length,
    output: {
      kind: definition.output.kind,
      checked: checkedOutputs,
      invalid,
      contributions: masker.mask(contributions.slice(0, SHOWN_CONTRIBUTIONS)),
      contributionCount: contributions.length,
    },
    fieldsUnchecked: loaded.fieldsUnchecked,
    piiMasked: !opts.revealPii,
    revealedPiiFields: opts.revealPii
      ? revealedFields([...events, ...deadLetters.entries.map((d) => d.event)], loaded.piiFields)
      : [],
  };
}

async function runAll(processor: CompiledProcessor, events: ProcessorEvent[]) {
  if (events.length === 0) return { results: [], contributions: [], steps: [] as StepStats[] };
  // structuredClone: steps may change the events they are given; the originals are the "before".
  return processor.runBatch(structuredClone(events), {
    dedupe: createMemoryDedupeStore(),
    scope: 'preview',
    watermark: { eventTimeMs: 0 },
    measure: true,
  });
}

function countsOf(results: StepResult[]): PreviewCounts {
  const c: PreviewCounts = { input: results.length, kept: 0, dropped: 0, deadLettered: 0 };
  for (const r of results) {
    if (r.kind === 'ok') c.kept++;
    else if (r.kind === 'drop') c.dropped++;
    else c.deadLettered++;
  }
  return c;
}

function mergeSteps(a: StepStats[], b: StepStats[]): PreviewStep[] {
  const byId = new Map<string, StepStats>();
  for (const s of [...a, ...b]) {
    const seen = byId.get(s.id);
    byId.set(
      s.id,
      seen
        ? {
            ...seen,
            in: seen.in + s.in,
            kept: seen.kept + s.kept,
            dropped: seen.dropped + s.dropped,
            deadLettered: seen.deadLettered + s.deadLettered,
            micros: seen.micros + s.micros,
          }
        : { ...s },
    );
  }
  return [...byId.values()].map((s) => ({
    id: s.id,
    kind: s.kind,
    in: s.in,
    kept: s.kept,
    dropped: s.dropped,
    deadLettered: s.deadLettered,
    microsPerEvent: s.in > 0 ? Math.round((s.micros / s.in) * 100) / 100 : 0,
  }));
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function revealedFields(events: ProcessorEvent[], piiFields: Map<string, string[]>): string[] {
  const out = new Set<string>();
  for (const type of new Set(events.map((e) => e.event_type))) {
    for (const f of piiFields.get(type) ?? []) out.add(`${type}:${f}`);
  }
  return [...out].sort();
}
