/**
 * "Load older" over alert history. The server pages by time (`at` strictly before a cursor), and
 * one evaluation writes many rows with the same `at` (every group that changed at once), so
 * asking "before the oldest shown" would skip the rest of that instant. Instead the next request
 * ends just after the oldest instant shown and asks for as many more rows as were already shown
 * from it; rows already shown are dropped by id. Each step brings at least one page of new rows
 * while the server's limit allows.
 */

export const HISTORY_PAGE_SIZE = 100;
/** The server's largest page. */
export const HISTORY_MAX_LIMIT = 1000;

export interface PagedRow {
  id: string;
  /** ISO time, newest first. */
  at: string;
}

export interface OlderRequest {
  before: string;
  limit: number;
}

/** The next request after the rows shown (newest first); null when the last page came back short. */
export function olderRequest(
  shown: readonly PagedRow[],
  lastPage: { requested: number; received: number },
  pageSize = HISTORY_PAGE_SIZE,
): OlderRequest | null {
  const oldest = shown.at(-1);
  if (!oldest || lastPage.received < lastPage.requested) return null;
  const sameInstant = shown.filter((r) => r.at === oldest.at).length;
  const before = new Date(Date.parse(oldest.at) + 1).toISOString();
  return { before, limit: Math.min(HISTORY_MAX_LIMIT, sameInstant + pageSize) };
}

/** The pages as one list, newest first, each row once. */
export function mergePages<T extends PagedRow>(pages: readonly (readonly T[])[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const page of pages) {
    for (const row of page) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      out.push(row);
    }
  }
  return out;
}
