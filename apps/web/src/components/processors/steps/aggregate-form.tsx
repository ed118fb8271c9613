import { aggregateFunctions, type Measure, type WindowSpec } from '@tributary/contracts';
import { Button, FieldRow, Select } from '../../ui/index.ts';
import { ListField } from '../list-field.tsx';
import { NumberField, TextField } from '../text-field.tsx';
import type { StepFormProps } from './step-form-props.ts';
import styles from './steps.module.css';

const windowOptions = [
  { value: 'tumbling', label: 'tumbling' },
  { value: 'hopping', label: 'hopping' },
] as const;
const fnOptions = aggregateFunctions.map((fn) => ({ value: fn, label: fn }));

function WindowFields({
  window,
  onChange,
  readOnly,
}: {
  window: WindowSpec;
  onChange: (w: WindowSpec) => void;
  readOnly: boolean;
}) {
  return (
    <FieldRow>
      <Select
        aria-label="Window type"
        data-testid="window-type"
        options={windowOptions}
        value={window.type}
        disabled={readOnly}
        onValue={(type) =>
          onChange(
            type === 'tumbling'
              ? { type, sizeSeconds: window.sizeSeconds }
              : {
                  type,
                  sizeSeconds: window.sizeSeconds,
                  hopSeconds: Math.max(1, Math.floor(window.sizeSeconds / 2)),
                },
          )
        }
      />
      <NumberField
        label="Window size (seconds)"
        value={window.sizeSeconds}
        readOnly={readOnly}
        testId="window-size"
        onChange={(sizeSeconds) => onChange({ ...window, sizeSeconds })}
      />
      {window.type === 'hopping' && (
        <NumberField
          label="Hop (seconds)"
          value={window.hopSeconds}
          readOnly={readOnly}
          onChange={(hopSeconds) => onChange({ ...window, hopSeconds })}
        />
      )}
    </FieldRow>
  );
}

function MeasureFields({
  measure,
  onChange,
  readOnly,
}: {
  measure: Measure;
  onChange: (m: Measure) => void;
  readOnly: boolean;
}) {
  return (
    <FieldRow>
      <TextField
        label="Name"
        value={measure.name}
        readOnly={readOnly}
        onChange={(name) => onChange({ ...measure, name })}
      />
      <Select
        aria-label="Function"
        options={fnOptions}
        value={measure.fn}
        disabled={readOnly}
        onValue={(fn) =>
          onChange({
            ...measure,
            fn,
            ...(fn === 'quantiles' ? { levels: measure.levels ?? [0.5, 0.9, 0.99] } : {}),
          })
        }
      />
      {measure.fn !== 'count' && (
        <TextField
          label="Of field"
          value={measure.field ?? ''}
          readOnly={readOnly}
          onChange={(field) => onChange({ ...measure, field: field === '' ? undefined : field })}
        />
      )}
      {measure.fn === 'quantiles' && (
        <ListField
          label="Levels"
          value={(measure.levels ?? []).map(String)}
          readOnly={readOnly}
          placeholder="0.5, 0.9, 0.99"
          onChange={(levels) =>
            onChange({ ...measure, levels: levels.map(Number).filter((n) => Number.isFinite(n)) })
          }
        />
      )}
    </FieldRow>
  );
}

export function AggregateForm({ step, onChange, readOnly }: StepFormProps<'aggregate'>) {
  return (
    <div className={styles.stack}>
      <WindowFields
        window={step.window}
        readOnly={readOnly}
        onChange={(window) => onChange({ ...step, window })}
      />
      <NumberField
        label="Grace period (seconds)"
        value={step.graceSeconds}
        readOnly={readOnly}
        testId="grace-seconds"
        hint="events later than this after their window closes are dead-lettered (late_event)"
        onChange={(graceSeconds) => onChange({ ...step, graceSeconds })}
      />
      <h4 className={styles.sub}>Group by</h4>
      {step.groupBy.map((g, i) => (
        <div key={i} className={styles.op} data-testid="group-by">
          <FieldRow>
            <TextField
              label="Column"
              value={g.name}
              readOnly={readOnly}
              onChange={(name) =>
                onChange({ ...step, groupBy: step.groupBy.map((x, j) => (j === i ? { ...x, name } : x)) })
              }
            />
            <TextField
              label="Field"
              value={g.field}
              readOnly={readOnly}
              onChange={(field) =>
                onChange({ ...step, groupBy: step.groupBy.map((x, j) => (j === i ? { ...x, field } : x)) })
              }
            />
          </FieldRow>
          {!readOnly && (
            <Button
              size="small"
              variant="ghost"
              onClick={() => onChange({ ...step, groupBy: step.groupBy.filter((_, j) => j !== i) })}
            >
              Remove
            </Button>
          )}
        </div>
      ))}
      {!readOnly && step.groupBy.length < 5 && (
        <div>
          <Button
            size="small"
            testId="add-group-by"
            onClick={() =>
              onChange({
                ...step,
                groupBy: [...step.groupBy, { name: 'country', field: 'derived.geo.country' }],
              })
            }
          >
            Add group-by column
          </Button>
        </div>
      )}
      <h4 className={styles.sub}>Measures</h4>
      {step.measures.map((m, i) => (
        <div key={i} className={styles.op} data-testid="measure">
          <MeasureFields
            measure={m}
            readOnly={readOnly}
            onChange={(next) =>
              onChange({ ...step, measures: step.measures.map((x, j) => (j === i ? next : x)) })
            }
          />
          {!readOnly && step.measures.length > 1 && (
            <Button
              size="small"
              variant="ghost"
              onClick={() => onChange({ ...step, measures: step.measures.filter((_, j) => j !== i) })}
            >
              Remove
            </Button>
          )}
        </div>
      ))}
      {!readOnly && (
        <div>
          <Button
            size="small"
            onClick={() =>
              onChange({
                ...step,
                measures: [...step.measures, { name: `m${step.measures.length + 1}`, fn: 'count' }],
              })
            }
          >
            Add measure
          </Button>
        </div>
      )}
    </div>
  );
}
