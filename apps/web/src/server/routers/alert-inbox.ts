import { z } from 'zod';
import { INBOX_KEEP, listInboxMessages } from '../alert-inbox/inbox-store.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

/** The console's local alert inbox (what the built-in `inbox` webhook receiver delivered). */
export const alertInboxRouter = router({
  /** Newest first; `total` is how many the inbox keeps now (at most INBOX_KEEP). */
  list: procedure('read')
    .input(z.object({ limit: z.number().int().min(1).max(INBOX_KEEP).default(50) }).default({ limit: 50 }))
    .query(({ input }) => listInboxMessages(getDb(), { limit: input.limit })),
});
