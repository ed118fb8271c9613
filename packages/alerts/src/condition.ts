import type { AlertCondition } from '@tributary/contracts';

/**
 * Scales the median absolute deviation to the standard deviation of normally distributed data
 * (1 / Φ⁻¹(3/4)), so `multiplier` reads like "so many sigmas" (docs/decisions/alert-evaluation.md).
 */
export const MAD_TO_SIGMA = 1.4826;

/** An instance's past: the same hour of the week over the last 4 weeks (see anomaly-band.ts). */
export interface AnomalyBaseline {
  median: number;
  mad: number;
  samples: number;
}

export type Verdict =
  | { kind: 'breach'; reason: string }
  | { kind: 'clear'; reason: string }
  /** An anomaly rule without enough history: there is nothing to compare with. */
  | { kind: 'no_baseline'; reason: string };

/**
 * Whether a value is a problem. `active` (the instance is pending or firing on a breach) turns
 * on hysteresis: an active instance clears only once the value crosses the recovery threshold,
 * so a value wobbling around the threshold does not fire again and again.
 */
export function judge(
  condition: AlertCondition,
  value: number,
  active: boolean,
  baseline?: AnomalyBaseline | null,
): Verdict {
  switch (condition.kind) {
    case 'threshold': {
      const { op, threshold } = condition;
      const recovery = condition.recovery ?? threshold;
      if (op === 'above') {
        if (value > threshold) return { kind: 'breach', reason: `${value} is above ${threshold}` };
        if (active && value > recovery)
          return { kind: 'breach', reason: `${value} has not fallen to the recovery threshold ${recovery}` };
        return { kind: 'clear', reason: `${value} is at or below ${active ? recovery : threshold}` };
      }
      if (value < threshold) return { kind: 'breach', reason: `${value} is below ${threshold}` };
      if (active && value < recovery)
        return { kind: 'breach', reason: `${value} has not risen to the recovery threshold ${recovery}` };
      return { kind: 'clear', reason: `${value} is at or above ${active ? recovery : threshold}` };
    }
    case 'outside_range': {
      const { low, high } = condition;
      const rl = condition.recoveryLow ?? low;
      const rh = condition.recoveryHigh ?? high;
      if (value < low || value > high)
        return { kind: 'breach', reason: `${value} is outside [${low}, ${high}]` };
      if (active && (value < rl || value > rh))
        return { kind: 'breach', reason: `${value} is not back inside the recovery range [${rl}, ${rh}]` };
      return { kind: 'clear', reason: `${value} is inside [${active ? rl : low}, ${active ? rh : high}]` };
    }
    case 'anomaly': {
      if (!baseline || baseline.samples < condition.minSamples) {
        return {
          kind: 'no_baseline',
          reason: `${baseline?.samples ?? 0} past samples of this hour of the week (needs ${condition.minSamples})`,
        };
      }
      const band = anomalyBand(condition, baseline, active);
      const above = value > band.high && condition.direction !== 'below';
      const below = value < band.low && condition.direction !== 'above';
      const shown = `[${round(band.low)}, ${round(band.high)}]`;
      if (above || below)
        return {
          kind: 'breach',
          reason: `${value} is outside the ${active ? 'recovery ' : ''}band ${shown} (median ${round(baseline.median)})`,
        };
      return { kind: 'clear', reason: `${value} is inside the band ${shown}` };
    }
  }
}

/** median ± multiplier × 1.4826 × MAD, never narrower than minDeviation on either side. */
export function anomalyBand(
  condition: Extract<AlertCondition, { kind: 'anomaly' }>,
  baseline: AnomalyBaseline,
  recovery = false,
): { low: number; high: number } {
  const half = Math.max(condition.multiplier * MAD_TO_SIGMA * baseline.mad, condition.minDeviation);
  const ratio = recovery ? (condition.recoveryMultiplier ?? condition.multiplier) / condition.multiplier : 1;
  return { low: baseline.median - half * ratio, high: baseline.median + half * ratio };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
