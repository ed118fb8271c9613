/**
 * Most procedures one batched tRPC request may carry: a page batches a handful; a batch of
 * thousands would run thousands of queries for one request.
 */
export const MAX_BATCH_SIZE = 20;

/** How many procedures a tRPC URL names (`/api/trpc/a,b,c` is a batch of three). */
export function batchSize(url: string): number {
  const path = new URL(url).pathname.replace(/^\/api\/trpc\/?/, '');
  return path === '' ? 0 : decodeURIComponent(path).split(',').length;
}
