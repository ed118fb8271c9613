import { FieldRow } from '../../ui/index.ts';
import { ExpressionField } from '../expression-field.tsx';
import { NumberField } from '../text-field.tsx';
import type { StepFormProps } from './step-form-props.ts';

export function DedupeForm({ step, onChange, readOnly }: StepFormProps<'dedupe'>) {
  return (
    <FieldRow>
      <ExpressionField
        label="Key (CEL)"
        value={step.key}
        readOnly={readOnly}
        onChange={(key) => onChange({ ...step, key })}
      />
      <NumberField
        label="Window (seconds)"
        value={step.windowSeconds}
        readOnly={readOnly}
        hint="a repeat of a key within this long is dropped"
        onChange={(windowSeconds) => onChange({ ...step, windowSeconds })}
      />
    </FieldRow>
  );
}
