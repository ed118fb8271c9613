import { check } from '../processors/check.ts';
import { checkExpression } from '../processors/check-expression.ts';
import { create } from '../processors/create.ts';
import { createVersion } from '../processors/create-version.ts';
import { get } from '../processors/get.ts';
import { pause, publish, resume, rollback } from '../processors/lifecycle.ts';
import { list } from '../processors/list.ts';
import { output } from '../processors/output.ts';
import { lookupTablesRouter } from '../processors/lookup-tables.ts';
import { preview } from '../processors/preview.ts';
import { workers } from '../processors/workers.ts';
import { router } from '../trpc.ts';

/**
 * Processors: drafts, immutable versions, publishing and rollback, preview, lookup tables, and
 * what each worker runs. One procedure per file in ../processors; reading needs `read`, every
 * change `processors:write`.
 */
export const processorsRouter = router({
  list,
  get,
  create,
  createVersion,
  check,
  checkExpression,
  preview,
  publish,
  pause,
  resume,
  rollback,
  workers,
  output,
  lookupTables: lookupTablesRouter,
});
