import { Badge, type BadgeTone } from '../ui/index.ts';

const TONES: Record<string, BadgeTone> = {
  STABLE: 'good',
  EMPTY: 'neutral',
  PREPARING_REBALANCE: 'warn',
  COMPLETING_REBALANCE: 'warn',
  DEAD: 'bad',
};

/** A group's state in the broker's words (STABLE, EMPTY, …), coloured. */
export function StateBadge({ state }: { state: string }) {
  return (
    <Badge tone={TONES[state] ?? 'neutral'} testId="group-state">
      {state}
    </Badge>
  );
}
