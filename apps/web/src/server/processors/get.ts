import { getProcessor } from '@tributary/processors';
import { getDb } from '../db.ts';
import { procedure } from '../trpc.ts';
import { nameInput } from './types.ts';
import { detailOut } from './wire.ts';

/** One processor with every version (oldest first). */
export const get = procedure('read')
  .input(nameInput)
  .query(async ({ input }) => detailOut(await getProcessor(getDb(), input.name)));
