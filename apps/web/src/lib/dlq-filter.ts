import { deadLetterStages, deadLetterStatuses, type DlqFilter } from '@tributary/contracts';

/** Time ranges the dead-letter page offers; retention defaults to 14 days, so that is the widest. */
export const dlqRanges = {
  '1h': { label: '1 hour', ms: 3_600_000 },
  '24h': { label: '24 hours', ms: 24 * 3_600_000 },
  '7d': { label: '7 days', ms: 7 * 24 * 3_600_000 },
  '14d': { label: '14 days', ms: 14 * 24 * 3_600_000 },
} as const;

export type DlqRange = keyof typeof dlqRanges;
export const dlqRangeKeys = Object.keys(dlqRanges) as [DlqRange, ...DlqRange[]];
export const DEFAULT_DLQ_RANGE: DlqRange = '24h';

/** The filter form as typed: '' means "any". */
export interface DlqFilterForm {
  stage: string;
  code: string;
  eventType: string;
  source: string;
  status: string;
  text: string;
  /** An exact failure reason, set by picking a group. */
  reason: string;
}

export const emptyFilterForm: DlqFilterForm = {
  stage: '',
  code: '',
  eventType: '',
  source: '',
  status: '',
  text: '',
  reason: '',
};

/** URL parameter of each form field (short, so a shared link stays readable). */
const PARAMS: Record<keyof DlqFilterForm, string> = {
  stage: 'stage',
  code: 'code',
  eventType: 'type',
  source: 'source',
  status: 'status',
  text: 'q',
  reason: 'reason',
};

/** Error codes the pipeline and replays write; the code filter offers these and any seen. */
export const knownErrorCodes = [
  'schema_violation',
  'unknown_event_type',
  'invalid_envelope',
  'insert_rejected',
  'not_replayable',
  'malformed_dead_letter',
] as const;

/**
 * The range start is anchored to a whole minute when the view opens (or the range changes), so
 * the filter — and with it the query keys — stays the same between polls; the end is left open
 * so new failures keep appearing.
 */
export function anchorNow(now = Date.now()): number {
  return Math.floor(now / 60_000) * 60_000;
}

/**
 * The server filter for a form. Values go as typed (trimmed where whitespace cannot matter):
 * the server checks them and explains what it refuses, so the console shows the same words.
 */
export function buildFilter(range: DlqRange, anchorMs: number, form: DlqFilterForm): DlqFilter {
  const filter: DlqFilter = { from: new Date(anchorMs - dlqRanges[range].ms).toISOString() };
  if ((deadLetterStages as readonly string[]).includes(form.stage))
    filter.stages = [form.stage as (typeof deadLetterStages)[number]];
  if ((deadLetterStatuses as readonly string[]).includes(form.status))
    filter.status = form.status as (typeof deadLetterStatuses)[number];
  if (form.code.trim() !== '') filter.codes = [form.code.trim()];
  if (form.eventType.trim() !== '') filter.eventType = form.eventType.trim();
  if (form.source.trim() !== '') filter.source = form.source.trim();
  if (form.text !== '') filter.text = form.text;
  if (form.reason !== '') filter.reason = form.reason;
  return filter;
}

type SearchParams = Record<string, string | string[] | undefined>;

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function rangeFromParams(params: SearchParams): DlqRange {
  const r = first(params.range);
  return (dlqRangeKeys as readonly string[]).includes(r) ? (r as DlqRange) : DEFAULT_DLQ_RANGE;
}

export function formFromParams(params: SearchParams): DlqFilterForm {
  const form = { ...emptyFilterForm };
  for (const key of Object.keys(PARAMS) as Array<keyof DlqFilterForm>) form[key] = first(params[PARAMS[key]]);
  return form;
}

/** The query string for a view (without '?'); defaults are left out. */
export function paramsFor(range: DlqRange, form: DlqFilterForm): string {
  const p = new URLSearchParams();
  if (range !== DEFAULT_DLQ_RANGE) p.set('range', range);
  for (const key of Object.keys(PARAMS) as Array<keyof DlqFilterForm>) {
    if (form[key] !== '') p.set(PARAMS[key], form[key]);
  }
  return p.toString();
}

/** Entries per page of the list. */
export const DLQ_PAGE_SIZE = 50;
