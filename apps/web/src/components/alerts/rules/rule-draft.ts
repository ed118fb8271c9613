import {
  alertRuleSchema,
  panelIntervals,
  type AlertRule,
  type AlertSignalKind,
  type PanelReducer,
} from '@tributary/contracts';
import { PANEL_MEASURES } from '../../../lib/panel-measures.ts';

/**
 * The rule editor's form state (text as typed) and the rule it stands for. Numbers and durations
 * stay text until the rule is built, so a half-typed value is never lost; building names every
 * value it cannot read by the rule path the contracts' schema would use, and then runs that
 * schema, so the editor shows one list of problems placed by path.
 */

export const SIGNAL_KINDS: ReadonlyArray<{ kind: AlertSignalKind; label: string; unit: string }> = [
  { kind: 'freshness', label: 'Freshness (ingest → queryable)', unit: 'seconds' },
  { kind: 'consumer_lag', label: 'Consumer lag', unit: 'seconds' },
  { kind: 'dead_letter_rate', label: 'Dead-letter rate', unit: 'share of events (0..1)' },
  { kind: 'ingest_rejects', label: 'Ingest rejects', unit: 'events in the window' },
  { kind: 'schema_violations', label: 'Schema violations', unit: 'events in the window' },
  { kind: 'processor_drop_rate', label: 'Processor drop rate', unit: 'share of events (0..1)' },
  { kind: 'source_silence', label: 'Source silence', unit: 'events in the last minutes' },
];

export const MEASURE_FNS = PANEL_MEASURES;
export type MeasureFn = (typeof MEASURE_FNS)[number];
export const FILTER_OPS = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
export const DLQ_STAGES = ['ingest', 'worker', 'processor', 'sink'] as const;
export const QUANTILES = ['0.5', '0.9', '0.95', '0.99'] as const;

export interface FilterRow {
  field: string;
  op: FilterOp;
  /** One value, or comma-separated values for in / not_in. */
  value: string;
}

export interface RuleForm {
  name: string;
  title: string;
  description: string;
  enabled: boolean;
  queryKind: 'signal' | 'panel';
  signal: {
    kind: AlertSignalKind;
    quantile: (typeof QUANTILES)[number];
    bySource: boolean;
    /** Comma-separated lists, per signal kind. */
    groups: string;
    dlqGroupBy: Array<'stage' | 'code'>;
    stages: Array<(typeof DLQ_STAGES)[number]>;
    codes: string;
    sources: string;
    eventTypes: string;
    processors: string;
    minutes: string;
  };
  panel: {
    sourceKind: 'events' | 'processor';
    eventTypes: string;
    processor: string;
    fn: MeasureFn;
    field: string;
    groupBy: string;
    filters: FilterRow[];
    interval: `${(typeof panelIntervals)[number]}`;
    reduce: PanelReducer;
    /** Kept as it was when the rule came from a panel (where the alert links to). */
    link?: { dashboard: string; panelId: string } | undefined;
  };
  condition: {
    kind: 'threshold' | 'outside_range' | 'anomaly';
    op: 'above' | 'below';
    threshold: string;
    recovery: string;
    low: string;
    high: string;
    recoveryLow: string;
    recoveryHigh: string;
    direction: 'both' | 'above' | 'below';
    multiplier: string;
    recoveryMultiplier: string;
    minDeviation: string;
    minSamples: string;
  };
  /** Durations: seconds, or with a unit (30s, 5m, 2h, 1d). */
  interval: string;
  window: string;
  pending: string;
  keepFiring: string;
  /** One `key=value` a line (or comma-separated). */
  labels: string;
  noData: AlertRule['noData'];
  onError: AlertRule['onError'];
}

export interface Problem {
  path: string;
  message: string;
}

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    title: '',
    description: '',
    enabled: true,
    queryKind: 'signal',
    signal: {
      kind: 'consumer_lag',
      quantile: '0.99',
      bySource: false,
      groups: '',
      dlqGroupBy: [],
      stages: [],
      codes: '',
      sources: '',
      eventTypes: '',
      processors: '',
      minutes: '15',
    },
    panel: {
      sourceKind: 'events',
      eventTypes: '',
      processor: '',
      fn: 'count',
      field: '',
      groupBy: '',
      filters: [],
      interval: '60',
      reduce: 'sum',
    },
    condition: {
      kind: 'threshold',
      op: 'above',
      threshold: '',
      recovery: '',
      low: '',
      high: '',
      recoveryLow: '',
      recoveryHigh: '',
      direction: 'both',
      multiplier: '3',
      recoveryMultiplier: '',
      minDeviation: '0',
      minSamples: '8',
    },
    interval: '1m',
    window: '5m',
    pending: '0',
    keepFiring: '0',
    labels: '',
    noData: 'no_data',
    onError: 'error',
  };
}

export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds from "90", "90s", "5m", "2h", "1d"; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!m) return null;
  const seconds = Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()]!;
  return Number.isFinite(seconds) ? seconds : null;
}

/** The shortest exact spelling of a number of seconds (300 → 5m, 90 → 90s). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Collects the values the form cannot read, by rule path. */
class Reader {
  readonly problems: Problem[] = [];

  number(text: string, path: string, opts: { optional?: boolean } = {}): number | undefined {
    const t = text.trim();
    if (t === '') {
      if (!opts.optional) this.problems.push({ path, message: 'a number is required' });
      return undefined;
    }
    const n = Number(t);
    if (!Number.isFinite(n)) {
      this.problems.push({ path, message: `"${t}" is not a number` });
      return undefined;
    }
    return n;
  }

  duration(text: string, path: string): number | undefined {
    const s = parseDuration(text);
    if (s === null) {
      this.problems.push({ path, message: `"${text.trim()}" is not a duration (e.g. 90, 30s, 5m, 1h)` });
      return undefined;
    }
    return s;
  }
}

function labelsOf(text: string, r: Reader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitList(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      r.problems.push({ path: 'labels', message: `"${part}" is not name=value` });
      continue;
    }
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function filterOf(f: FilterRow): Record<string, unknown> {
  const field = f.field.trim();
  if (f.op === 'in' || f.op === 'not_in') {
    const values = splitList(f.value);
    // A list is all numbers or all strings (the contract's rule); numbers only when every one is.
    return { field, op: f.op, values: values.every((v) => NUMERIC.test(v)) ? values.map(Number) : values };
  }
  const value = f.value.trim();
  // Comparisons read the field as a number; = and != compare text as it is stored.
  const ordered = f.op !== '=' && f.op !== '!=';
  return { field, op: f.op, value: ordered && NUMERIC.test(value) ? Number(value) : value };
}

function signalOf(s: RuleForm['signal'], r: Reader): Record<string, unknown> {
  switch (s.kind) {
    case 'freshness':
      return { kind: s.kind, quantile: Number(s.quantile), bySource: s.bySource };
    case 'consumer_lag':
      return { kind: s.kind, groups: splitList(s.groups) };
    case 'dead_letter_rate':
      return { kind: s.kind, groupBy: s.dlqGroupBy, stages: s.stages, codes: splitList(s.codes) };
    case 'ingest_rejects':
      return { kind: s.kind, sources: splitList(s.sources) };
    case 'schema_violations':
      return { kind: s.kind, eventTypes: splitList(s.eventTypes) };
    case 'processor_drop_rate':
      return { kind: s.kind, processors: splitList(s.processors) };
    case 'source_silence':
      return {
        kind: s.kind,
        sources: splitList(s.sources),
        minutes: r.number(s.minutes, 'query.signal.minutes'),
      };
  }
}

function panelOf(p: RuleForm['panel']): Record<string, unknown> {
  const needsField = p.fn !== 'count' && p.fn !== 'unique_users';
  return {
    kind: 'panel',
    query: {
      source:
        p.sourceKind === 'events'
          ? { kind: 'events', eventTypes: splitList(p.eventTypes) }
          : { kind: 'processor', processor: p.processor.trim() },
      measure: needsField ? { fn: p.fn, field: p.field.trim() } : { fn: p.fn },
      groupBy: splitList(p.groupBy),
      filters: p.filters.filter((f) => f.field.trim() !== '').map(filterOf),
      interval: Number(p.interval),
    },
    reduce: p.reduce,
    ...(p.link ? { panel: p.link } : {}),
  };
}

function conditionOf(c: RuleForm['condition'], r: Reader): Record<string, unknown> {
  const at = (k: string) => `condition.${k}`;
  switch (c.kind) {
    case 'threshold':
      return {
        kind: 'threshold',
        op: c.op,
        threshold: r.number(c.threshold, at('threshold')),
        recovery: r.number(c.recovery, at('recovery'), { optional: true }),
      };
    case 'outside_range':
      return {
        kind: 'outside_range',
        low: r.number(c.low, at('low')),
        high: r.number(c.high, at('high')),
        recoveryLow: r.number(c.recoveryLow, at('recoveryLow'), { optional: true }),
        recoveryHigh: r.number(c.recoveryHigh, at('recoveryHigh'), { optional: true }),
      };
    case 'anomaly':
      return {
        kind: 'anomaly',
        direction: c.direction,
        multiplier: r.number(c.multiplier, at('multiplier')),
        recoveryMultiplier: r.number(c.recoveryMultiplier, at('recoveryMultiplier'), { optional: true }),
        minDeviation: r.number(c.minDeviation, at('minDeviation'), { optional: true }),
        minSamples: r.number(c.minSamples, at('minSamples'), { optional: true }),
      };
  }
}

/** Drops undefined members, so the schema's defaults apply to what was left empty. */
function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The rule the form stands for (as the API takes it), and every problem with it: values the
 * form could not read, then what alertRuleSchema refuses. `rule` is sent only when there are none.
 */
export function buildRule(form: RuleForm): { rule: Record<string, unknown>; problems: Problem[] } {
  const r = new Reader();
  const rule = compact({
    name: form.name.trim(),
    title: form.title.trim(),
    description: form.description,
    enabled: form.enabled,
    query:
      form.queryKind === 'signal'
        ? { kind: 'signal', signal: signalOf(form.signal, r) }
        : panelOf(form.panel),
    condition: conditionOf(form.condition, r),
    intervalSeconds: r.duration(form.interval, 'intervalSeconds'),
    windowSeconds: r.duration(form.window, 'windowSeconds'),
    pendingSeconds: r.duration(form.pending, 'pendingSeconds'),
    keepFiringSeconds: r.duration(form.keepFiring, 'keepFiringSeconds'),
    labels: labelsOf(form.labels, r),
    noData: form.noData,
    onError: form.onError,
  });
  const problems = [...r.problems];
  const checked = alertRuleSchema.safeParse(rule);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.join('.');
      // A value the form could not read is reported once, in the form's words.
      if (problems.some((p) => p.path === path)) continue;
      problems.push({ path: path || 'rule', message: issue.message });
    }
  }
  return { rule, problems };
}

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

/** The form for a stored rule (the editor of /alerts/rules/[name]). */
export function formFromRule(rule: AlertRule): RuleForm {
  const form = emptyRuleForm();
  form.name = rule.name;
  form.title = rule.title;
  form.description = rule.description;
  form.enabled = rule.enabled;
  if (rule.query.kind === 'signal') {
    form.queryKind = 'signal';
    const s = rule.query.signal;
    form.signal.kind = s.kind;
    if (s.kind === 'freshness') {
      form.signal.quantile = String(s.quantile) as RuleForm['signal']['quantile'];
      form.signal.bySource = s.bySource;
    } else if (s.kind === 'consumer_lag') form.signal.groups = s.groups.join(', ');
    else if (s.kind === 'dead_letter_rate') {
      form.signal.dlqGroupBy = [...s.groupBy];
      form.signal.stages = [...s.stages];
      form.signal.codes = s.codes.join(', ');
    } else if (s.kind === 'ingest_rejects') form.signal.sources = s.sources.join(', ');
    else if (s.kind === 'schema_violations') form.signal.eventTypes = s.eventTypes.join(', ');
    else if (s.kind === 'processor_drop_rate') form.signal.processors = s.processors.join(', ');
    else {
      form.signal.sources = s.sources.join(', ');
      form.signal.minutes = String(s.minutes);
    }
  } else {
    form.queryKind = 'panel';
    const q = rule.query.query;
    form.panel = {
      sourceKind: q.source.kind,
      eventTypes: q.source.kind === 'events' ? q.source.eventTypes.join(', ') : '',
      processor: q.source.kind === 'processor' ? q.source.processor : '',
      fn: q.measure.fn,
      field: 'field' in q.measure ? q.measure.field : '',
      groupBy: q.groupBy.join(', '),
      filters: q.filters.flatMap((f): FilterRow[] => {
        if ('variable' in f) return [];
        if ('values' in f) return [{ field: f.field, op: f.op, value: f.values.join(', ') }];
        return [{ field: f.field, op: f.op, value: String(f.value) }];
      }),
      interval: (q.interval === 'auto' ? '60' : String(q.interval)) as RuleForm['panel']['interval'],
      reduce: rule.query.reduce,
      link: rule.query.panel,
    };
  }
  const c = rule.condition;
  form.condition.kind = c.kind;
  if (c.kind === 'threshold') {
    form.condition.op = c.op;
    form.condition.threshold = String(c.threshold);
    form.condition.recovery = text(c.recovery);
  } else if (c.kind === 'outside_range') {
    form.condition.low = String(c.low);
    form.condition.high = String(c.high);
    form.condition.recoveryLow = text(c.recoveryLow);
    form.condition.recoveryHigh = text(c.recoveryHigh);
  } else {
    form.condition.direction = c.direction;
    form.condition.multiplier = String(c.multiplier);
    form.condition.recoveryMultiplier = text(c.recoveryMultiplier);
    form.condition.minDeviation = String(c.minDeviation);
    form.condition.minSamples = String(c.minSamples);
  }
  form.interval = formatDuration(rule.intervalSeconds);
  form.window = formatDuration(rule.windowSeconds);
  form.pending = formatDuration(rule.pendingSeconds);
  form.keepFiring = formatDuration(rule.keepFiringSeconds);
  form.labels = Object.entries(rule.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  form.noData = rule.noData;
  form.onError = rule.onError;
  return form;
}

/** The problems a field shows: those at its path or below it. */
export function problemsAt(problems: readonly Problem[], ...paths: string[]): string | undefined {
  const mine = problems.filter((p) => paths.some((path) => p.path === path || p.path.startsWith(`${path}.`)));
  return mine.length === 0 ? undefined : mine.map((p) => p.message).join('; ');
}

/** Problems no field of the editor shows (so they are listed on their own). */
export function unplacedProblems(problems: readonly Problem[], placed: readonly string[]): Problem[] {
  return problems.filter((p) => !placed.some((path) => p.path === path || p.path.startsWith(`${path}.`)));
}

/**
 * The problems in a refusal's words ("alert rule refused: a.b: message; c: message"), as the
 * store words them; null when the message is not one.
 */
export function problemsInRefusal(message: string): Problem[] | null {
  const m = /refused: (.+)$/s.exec(message);
  if (!m) return null;
  const out: Problem[] = [];
  for (const part of m[1]!.split('; ')) {
    const at = /^([A-Za-z][\w.]*): (.+)$/s.exec(part);
    if (at) out.push({ path: at[1]!, message: at[2]! });
  }
  return out.length > 0 ? out : null;
}
