import { toDateTime64 } from '@tributary/clickhouse';
import type { DlqCursor, DlqFilter } from '@tributary/contracts';

export interface SqlPart {
  /** Conditions joined by AND, never empty ('1' when nothing filters). */
  where: string;
  params: Record<string, unknown>;
}

/**
 * What the viewer's rights take out of a filter. A payload text search over event types with
 * pii-tagged fields would tell a viewer who may not see pii whether a value is there (search an
 * e-mail address, count the matches), so for such a viewer the search skips those types.
 */
export interface FilterScope {
  textHiddenTypes?: string[];
}

/** Ids whose latest recorded status is not pending (only changes away from pending are recorded). */
const SETTLED = `SELECT id FROM {db:Identifier}.dead_letter_status`;
const WITH_STATUS = (param: string) =>
  `SELECT id FROM {db:Identifier}.dead_letter_status GROUP BY id HAVING argMax(status, changed_at) = {${param}:String}`;

/**
 * The WHERE clause of a dead-letter filter. Every value is a bound parameter, so quotes, percent
 * signs or backslashes in a search are data, never SQL. `upTo` caps failed_at (a replay fixes it
 * at its start, so entries that fail again during the replay are not picked up by it).
 */
export function filterSql(
  filter: DlqFilter,
  opts: { cursor?: DlqCursor | null; upTo?: Date } & FilterScope = {},
): SqlPart {
  const c: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.from) {
    c.push('failed_at >= {from:DateTime64(3)}');
    params.from = toDateTime64(filter.from);
  }
  const to = [filter.to ? Date.parse(filter.to) : Infinity, opts.upTo?.getTime() ?? Infinity];
  const upper = Math.min(...to);
  if (Number.isFinite(upper)) {
    c.push('failed_at <= {to:DateTime64(3)}');
    params.to = toDateTime64(upper);
  }
  if (filter.stages?.length) {
    c.push('stage IN {stages:Array(String)}');
    params.stages = filter.stages;
  }
  if (filter.codes?.length) {
    c.push('code IN {codes:Array(String)}');
    params.codes = filter.codes;
  }
  if (filter.eventType) {
    c.push('event_type = {eventType:String}');
    params.eventType = filter.eventType;
  }
  if (filter.source) {
    c.push('source = {source:String}');
    params.source = filter.source;
  }
  if (filter.reason !== undefined) {
    c.push('message = {reason:String}');
    params.reason = filter.reason;
  }
  if (filter.text) {
    c.push('positionCaseInsensitiveUTF8(payload, {text:String}) > 0');
    params.text = filter.text;
    if (opts.textHiddenTypes?.length) {
      c.push('(event_type IS NULL OR event_type NOT IN {textHidden:Array(String)})');
      params.textHidden = opts.textHiddenTypes;
    }
  }
  if (filter.status === 'pending') c.push(`id NOT IN (${SETTLED})`);
  else if (filter.status) {
    c.push(`id IN (${WITH_STATUS('status')})`);
    params.status = filter.status;
  }
  if (opts.cursor) {
    // Newest first: the next page holds what sorts strictly below the last row shown.
    c.push('(failed_at, id) < ({cursorAt:DateTime64(3)}, {cursorId:String})');
    params.cursorAt = toDateTime64(opts.cursor.failedAt);
    params.cursorId = opts.cursor.id;
  }
  return { where: c.length ? c.join(' AND ') : '1', params };
}

export { SETTLED as settledIdsSql };
