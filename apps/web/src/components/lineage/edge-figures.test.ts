import { describe, expect, it } from 'vitest';
import { edgeFigures, freshnessTone, freshnessWords, liveHref } from './edge-figures.ts';

describe('edge figures', () => {
  it('says an edge in a few words, leaving out what does not apply', () => {
    expect(
      edgeFigures({
        total: 3750,
        perSecond: 12.5,
        lagSeconds: 1.234,
        deadLetterRate: 0.004,
        p95Ms: 250,
        spark: [],
      }),
    ).toEqual(['12.5/s', 'lag 1.2 s', '0.4% dead', 'p95 ≤ 250 ms']);
    expect(
      edgeFigures({
        total: 0,
        perSecond: 0,
        lagSeconds: null,
        deadLetterRate: null,
        p95Ms: 'inf',
        spark: [],
      }),
    ).toEqual(['0/s', 'p95 > 60 s']);
    expect(
      edgeFigures({ total: 1, perSecond: 0.003, lagSeconds: 42, deadLetterRate: 0, p95Ms: 2500, spark: [] }),
    ).toEqual(['<0.1/s', 'lag 42 s', '0% dead', 'p95 ≤ 2.5 s']);
  });

  it('tones freshness like the dashboards do', () => {
    expect(freshnessTone(null)).toBe('neutral');
    expect(freshnessTone(5_000)).toBe('good');
    expect(freshnessTone(90_000)).toBe('warn');
    expect(freshnessTone(200_000)).toBe('bad');
    expect(freshnessWords(4_400)).toBe('4 s ago');
    expect(freshnessWords(180_000)).toBe('3 min ago');
  });

  it('links a flow to the Live tail', () => {
    expect(liveHref({ source: 'web shop' })).toBe('/live?source=web+shop');
    expect(liveHref({ processor: 'geo', eventType: 'page' })).toBe('/live?eventType=page&processor=geo');
    expect(liveHref({})).toBe('/live');
  });
});
