import { describe, expect, it } from 'vitest';
import { mergePages, olderRequest, type PagedRow } from './history-paging.ts';

const row = (id: string, at: string): PagedRow => ({ id, at });

describe('alert history paging', () => {
  it('asks again from just after the oldest instant shown, for as many more as shown from it', () => {
    const shown = [
      row('a', '2026-12-04T18:00:02.000Z'),
      row('b', '2026-12-04T18:00:01.000Z'),
      row('c', '2026-12-04T18:00:01.000Z'),
    ];
    expect(olderRequest(shown, { requested: 3, received: 3 }, 3)).toEqual({
      before: '2026-12-04T18:00:01.001Z',
      limit: 5,
    });
  });

  it('stops after a short page and on nothing shown', () => {
    expect(olderRequest([row('a', '2026-12-04T18:00:00.000Z')], { requested: 100, received: 1 })).toBeNull();
    expect(olderRequest([], { requested: 100, received: 0 })).toBeNull();
  });

  it('keeps every row once across pages that overlap at an instant', () => {
    // 5 rows at one instant; pages of 2: the second request overlaps the first by what it showed.
    const instant = '2026-12-04T18:00:00.000Z';
    const all = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => row(id, instant));
    const server = (req: { before: string; limit: number }) =>
      all.filter((r) => r.at < req.before).slice(0, req.limit);
    const pages = [server({ before: '2026-12-05T00:00:00.000Z', limit: 2 })];
    let requested = 2;
    for (let req = olderRequest(pages[0]!, { requested, received: 2 }, 2); req !== null; ) {
      const page = server(req);
      pages.push(page);
      requested = req.limit;
      req = olderRequest(mergePages(pages), { requested, received: page.length }, 2);
    }
    expect(
      mergePages(pages)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });
});
