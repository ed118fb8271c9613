import type { ProcessorState } from '@tributary/contracts';
import { Badge, type BadgeTone } from '../ui/index.ts';

const tones: Record<ProcessorState, BadgeTone> = { draft: 'neutral', active: 'good', paused: 'warn' };

export function StateBadge({ state }: { state: ProcessorState }) {
  return (
    <Badge tone={tones[state]} testId="processor-state">
      {state}
    </Badge>
  );
}
