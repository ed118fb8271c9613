import { listLookupTables, listLookupVersions, uploadLookupTable } from '@tributary/processors';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';
import { processorsWrite } from './deps.ts';
import { lookupUploadInput, lookupVersionsInput } from './types.ts';
import { lookupTableOut, lookupVersionOut } from './wire.ts';

export const lookupTablesRouter = router({
  list: procedure('read').query(async () => (await listLookupTables(getDb())).map(lookupTableOut)),

  versions: procedure('read')
    .input(lookupVersionsInput)
    .query(async ({ input }) => (await listLookupVersions(getDb(), input.name)).map(lookupVersionOut)),

  /** A refused CSV is BAD_REQUEST naming the broken rows' lines; nothing is stored. */
  upload: processorsWrite
    .input(lookupUploadInput)
    .mutation(async ({ ctx, input }) =>
      lookupVersionOut(await uploadLookupTable(getDb(), input, { actor: auditName(ctx.actor) })),
    ),
});
