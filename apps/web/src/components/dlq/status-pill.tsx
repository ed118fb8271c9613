import type { DeadLetterStatus } from '@tributary/contracts';

const tone: Record<DeadLetterStatus, string> = {
  pending: 'pill-warn',
  replayed: 'pill-good',
  discarded: '',
};

export function StatusPill({ status }: { status: DeadLetterStatus }) {
  return (
    <span className={`pill ${tone[status]}`} data-testid="entry-status">
      {status}
    </span>
  );
}
