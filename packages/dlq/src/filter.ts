import { toDateTime64 } from '@tributary/clickhouse';
import type { DlqCursor, DlqFilter } from '@tributary/contracts';
import { MASK, piiTarget, type PiiTarget } from './mask.ts';

export interface SqlPart {
  /** Conditions joined by AND, never empty ('1' when nothing filters). */
  where: string;
  params: Record<string, unknown>;
}

/**
 * What the viewer's rights take out of a filter. A payload text search that looked inside
 * pii-tagged values would tell a viewer who may not see pii whether a value is there (search an
 * e-mail address, count the matches), so for such a viewer the search runs over the payload as
 * the viewer sees it: with the values at these paths (per event type) masked.
 */
export interface FilterScope {
  maskedPaths?: ReadonlyMap<string, readonly string[]>;
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
    // The plain search first: cheap, and it leaves only candidate rows for the masked check.
    c.push('positionCaseInsensitiveUTF8(payload, {text:String}) > 0');
    params.text = filter.text;
    const masked = maskedTextSql(opts.maskedPaths, params);
    if (masked) c.push(masked);
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

/**
 * For rows of an event type with masked paths: whether the search text occurs in the payload
 * once the values at those paths are replaced by the mask. ClickHouse re-serialises what
 * JSONExtractRaw returns (minified, escapes decoded), so a value is only known to be masked
 * when that text occurs verbatim in the payload; a row where one does not (or a payload that is
 * not JSON, which the console withholds whole) matches no search. That hides too much at
 * worst, never too little. Types with the same paths share one branch.
 */
function maskedTextSql(
  maskedPaths: FilterScope['maskedPaths'],
  params: Record<string, unknown>,
): string | null {
  const byPaths = new Map<string, { paths: readonly string[]; types: string[] }>();
  for (const [type, paths] of maskedPaths ?? []) {
    if (paths.length === 0) continue;
    const key = JSON.stringify([...paths].sort());
    const group = byPaths.get(key) ?? { paths, types: [] };
    group.types.push(type);
    byPaths.set(key, group);
  }
  if (byPaths.size === 0) return null;
  params.piiMask = JSON.stringify(MASK);
  const branches = [...byPaths.values()].map(({ paths, types }, g) => {
    params[`piiTypes${g}`] = types;
    const targets = paths.map(piiTarget).filter((t): t is PiiTarget => t !== null);
    // Tags that reach nothing mask nothing; an empty list still needs an array of its type.
    const values = targets.length
      ? targets.map((target, p) => valuesAtSql(target, `pii${g}_${p}`, params))
      : ["CAST([], 'Array(String)')"];
    const all = `arrayDistinct(arrayFilter(pv -> pv != '', arrayConcat(${values.join(', ')})))`;
    // One pass: each value is replaced where it stands; one that is not there empties the text.
    const shown = `arrayFold((pacc, pv) -> if(position(pacc, pv) > 0, replaceAll(pacc, pv, {piiMask:String}), ''), ${all}, payload)`;
    return `event_type IN {piiTypes${g}:Array(String)}, isValidJSON(payload) AND positionCaseInsensitiveUTF8(${shown}, {text:String}) > 0`;
  });
  return `multiIf(${branches.join(', ')}, 1)`;
}

/**
 * The raw JSON texts of the values at a tag's target (inside `data` or `metadata`, or the whole
 * `user_id`), as maskPii finds them: an array on the way applies the rest of the path to each
 * item. An array of arrays on the way gives a value (NUL) that no JSON payload holds, so such a
 * row is never matched rather than unmasked.
 */
function valuesAtSql(target: PiiTarget, name: string, params: Record<string, unknown>): string {
  params[`${name}_root`] = target.root;
  let nodes = `[JSONExtractRaw(payload, {${name}_root:String})]`;
  target.keys.forEach((segment, i) => {
    const key = `${name}_${i}`;
    params[key] = segment;
    const items =
      i === 0
        ? nodes
        : `arrayFlatten(arrayMap(pn -> if(JSONType(pn) = 'Array', JSONExtractArrayRaw(pn), [pn]), ${nodes}))`;
    nodes = `arrayMap(pn -> if(JSONType(pn) = 'Array', char(0), JSONExtractRaw(pn, {${key}:String})), ${items})`;
  });
  return nodes;
}
