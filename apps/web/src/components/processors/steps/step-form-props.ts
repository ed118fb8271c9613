import type { Step, StepKind } from '@tributary/contracts';

export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** What every step form takes: its step, and where to hand the edited step back. */
export interface StepFormProps<K extends StepKind> {
  step: StepOf<K>;
  onChange: (step: StepOf<K>) => void;
  readOnly: boolean;
}
