import type { QueryTarget } from '@tributary/clickhouse';
import {
  TributaryError,
  type DlqDryRunInput,
  type DlqDryRunResult,
  type DlqVerdict,
} from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { assertStoredEditAllowed } from './edit-fields.ts';
import { selectedEntries, selectionSql, countSelected } from './entries.ts';
import type { FilterScope } from './filter.ts';
import { reprocess } from './reprocess.ts';
import { loadRules } from './rules.ts';

/** A dry run reads at most this many entries; its counts say so when the selection is larger. */
export const DRY_RUN_LIMIT = 100_000;
const SHOWN_VERDICTS = 100;

/**
 * Refuses what cannot be replayed before anything happens: an edited payload applies to exactly
 * one entry and must be JSON.
 */
export function checkEdit(input: Pick<DlqDryRunInput, 'selection' | 'editedPayload'>): void {
  if (input.editedPayload === undefined) return;
  if (input.selection.kind !== 'ids' || input.selection.ids.length !== 1) {
    throw new TributaryError('bad_request', 'an edited payload replaces exactly one selected entry');
  }
  try {
    JSON.parse(input.editedPayload);
  } catch (err) {
    throw new TributaryError('bad_request', `the edited payload is not JSON: ${(err as Error).message}`);
  }
}

/**
 * What a replay of the selection would do now: each entry through the same checks ingest runs,
 * against the current registry (or a chosen version). Nothing is sent or recorded.
 */
export async function dryRun(
  deps: { target: QueryTarget; db: Db },
  input: DlqDryRunInput,
  opts: { now?: Date; limit?: number } & FilterScope = {},
): Promise<DlqDryRunResult> {
  checkEdit(input);
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? DRY_RUN_LIMIT;
  const sql = await selectionSql(deps.target, input.selection, now, {
    maskedPaths: opts.maskedPaths,
  });
  await assertStoredEditAllowed(deps.target, sql, input.editedPayload);
  const [rules, total] = await Promise.all([loadRules(deps.db), countSelected(deps.target, sql)]);
  let pass = 0;
  let fail = 0;
  const failures: DlqVerdict[] = [];
  const passes: DlqVerdict[] = [];
  const reasons = new Map<string, number>();
  for await (const page of selectedEntries(deps.target, sql, 5000, limit)) {
    for (const entry of page) {
      const r = reprocess(entry, rules, {
        now,
        replayId: 'dry-run',
        schemaVersion: input.schemaVersion,
        editedPayload: input.editedPayload,
      });
      if (r.ok) {
        pass++;
        if (passes.length < SHOWN_VERDICTS)
          passes.push({ id: entry.id, event_id: entry.event_id, ok: true, reasons: [] });
      } else {
        fail++;
        if (failures.length < SHOWN_VERDICTS)
          failures.push({ id: entry.id, event_id: entry.event_id, ok: false, reasons: r.reasons });
        for (const reason of r.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
  }
  return {
    total,
    pass,
    fail,
    verdicts: [...failures, ...passes].slice(0, SHOWN_VERDICTS),
    reasons: [...reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([reason, count]) => ({ reason, count })),
    truncated: total > pass + fail,
  };
}
