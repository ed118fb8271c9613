import { describe, expect, it } from 'vitest';
import { windowsContaining } from './windows.ts';

describe('windowsContaining', () => {
  it('puts an event in one tumbling window, aligned to the epoch', () => {
    expect(windowsContaining(90_500, { type: 'tumbling', sizeSeconds: 60 })).toEqual([[60_000, 120_000]]);
    expect(windowsContaining(60_000, { type: 'tumbling', sizeSeconds: 60 })).toEqual([[60_000, 120_000]]);
  });

  it('puts an event in every hopping window containing it, oldest first', () => {
    expect(windowsContaining(90_500, { type: 'hopping', sizeSeconds: 60, hopSeconds: 20 })).toEqual([
      [40_000, 100_000],
      [60_000, 120_000],
      [80_000, 140_000],
    ]);
    // On a boundary: the window ending there does not contain it.
    expect(windowsContaining(60_000, { type: 'hopping', sizeSeconds: 60, hopSeconds: 30 })).toEqual([
      [30_000, 90_000],
      [60_000, 120_000],
    ]);
  });
});
