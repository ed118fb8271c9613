import type { AlertState } from '@tributary/contracts';
import { Badge, type BadgeTone } from '../../ui/index.ts';

const TONE: Record<AlertState, BadgeTone> = {
  firing: 'bad',
  error: 'bad',
  no_data: 'warn',
  pending: 'info',
  normal: 'good',
};

export const STATE_WORDS: Record<AlertState, string> = {
  firing: 'firing',
  error: 'error',
  no_data: 'no data',
  pending: 'pending',
  normal: 'normal',
};

export function StateBadge({ state }: { state: AlertState }) {
  return (
    <Badge tone={TONE[state]} testId="alert-state">
      {STATE_WORDS[state]}
    </Badge>
  );
}
