import { castTypes, type TransformOp } from '@tributary/contracts';
import { Button, FieldRow, Select } from '../../ui/index.ts';
import { ExpressionField } from '../expression-field.tsx';
import { TextField } from '../text-field.tsx';
import type { StepFormProps } from './step-form-props.ts';
import styles from './steps.module.css';

const opOptions = [
  { value: 'set', label: 'set' },
  { value: 'rename', label: 'rename' },
  { value: 'remove', label: 'remove' },
  { value: 'cast', label: 'cast' },
  { value: 'default', label: 'default' },
] as const;
type OpName = TransformOp['op'];

const castOptions = castTypes.map((t) => ({ value: t, label: t }));

/** The op's field(s) carried over when its kind changes, so switching does not lose the path. */
function switchOp(op: TransformOp, to: OpName): TransformOp {
  const field = 'field' in op ? op.field : op.to;
  const expression = 'expression' in op ? op.expression : 'null';
  switch (to) {
    case 'set':
    case 'default':
      return { op: to, field, expression };
    case 'rename':
      return { op: 'rename', from: field, to: field };
    case 'remove':
      return { op: 'remove', field };
    case 'cast':
      return { op: 'cast', field, to: 'string' };
  }
}

function OpFields({
  op,
  onChange,
  readOnly,
}: {
  op: TransformOp;
  onChange: (op: TransformOp) => void;
  readOnly: boolean;
}) {
  switch (op.op) {
    case 'set':
    case 'default':
      return (
        <FieldRow>
          <TextField
            label="Field"
            value={op.field}
            readOnly={readOnly}
            onChange={(field) => onChange({ ...op, field })}
          />
          <ExpressionField
            label={op.op === 'set' ? 'Value (CEL)' : 'Value when absent (CEL)'}
            value={op.expression}
            readOnly={readOnly}
            onChange={(expression) => onChange({ ...op, expression })}
          />
        </FieldRow>
      );
    case 'rename':
      return (
        <FieldRow>
          <TextField
            label="From"
            value={op.from}
            readOnly={readOnly}
            onChange={(from) => onChange({ ...op, from })}
          />
          <TextField
            label="To"
            value={op.to}
            readOnly={readOnly}
            onChange={(to) => onChange({ ...op, to })}
          />
        </FieldRow>
      );
    case 'remove':
      return (
        <TextField
          label="Field"
          value={op.field}
          readOnly={readOnly}
          onChange={(field) => onChange({ ...op, field })}
        />
      );
    case 'cast':
      return (
        <FieldRow>
          <TextField
            label="Field"
            value={op.field}
            readOnly={readOnly}
            onChange={(field) => onChange({ ...op, field })}
          />
          <Select
            aria-label="Cast to"
            options={castOptions}
            value={op.to}
            disabled={readOnly}
            onValue={(to) => onChange({ ...op, to })}
          />
        </FieldRow>
      );
  }
}

export function TransformForm({ step, onChange, readOnly }: StepFormProps<'transform'>) {
  const setOp = (i: number, op: TransformOp) =>
    onChange({ ...step, ops: step.ops.map((o, j) => (j === i ? op : o)) });
  return (
    <div className={styles.stack}>
      {step.ops.map((op, i) => (
        <div key={i} className={styles.op} data-testid="transform-op">
          <div className={styles.opHead}>
            <Select
              aria-label="Operation"
              options={opOptions}
              value={op.op}
              disabled={readOnly}
              onValue={(name) => setOp(i, switchOp(op, name))}
            />
            {!readOnly && step.ops.length > 1 && (
              <Button
                size="small"
                variant="ghost"
                onClick={() => onChange({ ...step, ops: step.ops.filter((_, j) => j !== i) })}
              >
                Remove op
              </Button>
            )}
          </div>
          <OpFields op={op} readOnly={readOnly} onChange={(next) => setOp(i, next)} />
        </div>
      ))}
      {!readOnly && (
        <div>
          <Button
            size="small"
            onClick={() =>
              onChange({
                ...step,
                ops: [...step.ops, { op: 'set', field: 'derived.field', expression: 'null' }],
              })
            }
          >
            Add op
          </Button>
        </div>
      )}
    </div>
  );
}
