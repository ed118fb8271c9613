import { ExpressionField } from '../expression-field.tsx';
import type { StepFormProps } from './step-form-props.ts';

export function FilterForm({ step, onChange, readOnly }: StepFormProps<'filter'>) {
  return (
    <ExpressionField
      label="Keep events where (CEL)"
      value={step.expression}
      readOnly={readOnly}
      hint="true keeps the event, false drops it; an error dead-letters it"
      testId="filter-expression"
      onChange={(expression) => onChange({ ...step, expression })}
    />
  );
}
