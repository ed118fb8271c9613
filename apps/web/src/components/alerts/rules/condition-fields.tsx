'use client';

import { Field, FieldRow, Select, TextArea, TextInput } from '../../ui/index.ts';
import type { SectionProps } from './query-fields.tsx';
import { problemsAt, type RuleForm } from './rule-draft.ts';
import styles from './rules.module.css';

type ConditionText = {
  [K in keyof RuleForm['condition']]: RuleForm['condition'][K] extends string ? K : never;
}[keyof RuleForm['condition']];

function NumberField(props: SectionProps & { name: ConditionText; label: string; hint?: string }) {
  const error = problemsAt(props.problems, `condition.${props.name}`);
  return (
    <Field label={props.label} hint={props.hint} error={error}>
      {(id, d) => (
        <TextInput
          id={id}
          aria-describedby={d}
          inputMode="decimal"
          mono
          invalid={error !== undefined}
          value={props.form.condition[props.name]}
          onChange={(e) => {
            const v = e.target.value;
            props.update((f) => ((f.condition[props.name] as string) = v));
          }}
          data-testid={`rule-condition-${props.name}`}
        />
      )}
    </Field>
  );
}

export const CONDITION_PATHS = ['condition'];

/** When the value is a problem: a threshold with its recovery, a range, or an anomaly band. */
export function ConditionFields(props: SectionProps) {
  const { form, update, problems } = props;
  const c = form.condition;
  return (
    <fieldset className={styles.section} data-testid="rule-condition">
      <legend>Condition</legend>
      <FieldRow>
        <Field label="Fires when the value is" error={problemsAt(problems, 'condition.kind')}>
          {(id, d) => (
            <Select
              id={id}
              aria-describedby={d}
              value={c.kind === 'threshold' ? c.op : c.kind}
              onValue={(v) =>
                update((f) => {
                  if (v === 'above' || v === 'below') {
                    f.condition.kind = 'threshold';
                    f.condition.op = v;
                  } else f.condition.kind = v;
                })
              }
              options={[
                { value: 'above', label: 'above a threshold' },
                { value: 'below', label: 'below a threshold' },
                { value: 'outside_range', label: 'outside a range' },
                { value: 'anomaly', label: 'anomalous (vs. the same hour of past weeks)' },
              ]}
              data-testid="rule-condition-kind"
            />
          )}
        </Field>
        {c.kind === 'threshold' && (
          <>
            <NumberField {...props} name="threshold" label="Threshold" />
            <NumberField
              {...props}
              name="recovery"
              label="Recovers at (optional)"
              hint={`once firing, clears only at or ${c.op === 'above' ? 'below' : 'above'} this`}
            />
          </>
        )}
      </FieldRow>
      {c.kind === 'outside_range' && (
        <FieldRow>
          <NumberField {...props} name="low" label="Low" />
          <NumberField {...props} name="high" label="High" />
          <NumberField {...props} name="recoveryLow" label="Recovers above (optional)" />
          <NumberField {...props} name="recoveryHigh" label="Recovers below (optional)" />
        </FieldRow>
      )}
      {c.kind === 'anomaly' && (
        <FieldRow>
          <Field label="Direction">
            {(id) => (
              <Select
                id={id}
                value={c.direction}
                onValue={(v) => update((f) => (f.condition.direction = v))}
                options={[
                  { value: 'both', label: 'either way' },
                  { value: 'above', label: 'above the band' },
                  { value: 'below', label: 'below the band' },
                ]}
                data-testid="rule-condition-direction"
              />
            )}
          </Field>
          <NumberField {...props} name="multiplier" label="Band width (× σ)" hint="0.5 to 20" />
          <NumberField {...props} name="recoveryMultiplier" label="Recovery band (× σ, optional)" />
          <NumberField {...props} name="minDeviation" label="Least half-width" />
          <NumberField {...props} name="minSamples" label="Least past samples" />
        </FieldRow>
      )}
    </fieldset>
  );
}

export const TIMING_PATHS = [
  'intervalSeconds',
  'windowSeconds',
  'pendingSeconds',
  'keepFiringSeconds',
  'labels',
  'noData',
  'onError',
];

function DurationField(
  props: SectionProps & {
    name: 'interval' | 'window' | 'pending' | 'keepFiring';
    path: string;
    label: string;
    hint: string;
  },
) {
  const error = problemsAt(props.problems, props.path);
  return (
    <Field label={props.label} hint={props.hint} error={error}>
      {(id, d) => (
        <TextInput
          id={id}
          aria-describedby={d}
          mono
          invalid={error !== undefined}
          value={props.form[props.name]}
          onChange={(e) => {
            const v = e.target.value;
            props.update((f) => (f[props.name] = v));
          }}
          data-testid={`rule-${props.name}`}
        />
      )}
    </Field>
  );
}

/** How often and over what it looks, how long before it fires and after it clears, and labels. */
export function TimingFields(props: SectionProps) {
  const { form, update, problems } = props;
  return (
    <fieldset className={styles.section} data-testid="rule-timing">
      <legend>Evaluation</legend>
      <FieldRow>
        <DurationField
          {...props}
          name="interval"
          path="intervalSeconds"
          label="Evaluate every"
          hint="e.g. 1m (at least 10s)"
        />
        <DurationField
          {...props}
          name="window"
          path="windowSeconds"
          label="Over the last"
          hint="e.g. 5m (the window)"
        />
        <DurationField
          {...props}
          name="pending"
          path="pendingSeconds"
          label="Pending for"
          hint="how long before it fires"
        />
        <DurationField
          {...props}
          name="keepFiring"
          path="keepFiringSeconds"
          label="Keep firing for"
          hint="after it recovered"
        />
      </FieldRow>
      <FieldRow>
        <Field label="When there is no data">
          {(id) => (
            <Select
              id={id}
              value={form.noData}
              onValue={(v) => update((f) => (f.noData = v))}
              options={[
                { value: 'no_data', label: 'alert as "no data"' },
                { value: 'alerting', label: 'fire' },
                { value: 'ok', label: 'treat as normal' },
                { value: 'keep_last', label: 'keep the last state' },
              ]}
              data-testid="rule-no-data"
            />
          )}
        </Field>
        <Field label="When the query fails">
          {(id) => (
            <Select
              id={id}
              value={form.onError}
              onValue={(v) => update((f) => (f.onError = v))}
              options={[
                { value: 'error', label: 'alert as "error"' },
                { value: 'alerting', label: 'fire' },
                { value: 'keep_last', label: 'keep the last state' },
              ]}
              data-testid="rule-on-error"
            />
          )}
        </Field>
        <Field
          label="Labels (key=value, one a line)"
          hint="routing matches on these, e.g. team=data"
          error={problemsAt(problems, 'labels')}
        >
          {(id, d) => (
            <TextArea
              id={id}
              aria-describedby={d}
              mono
              invalid={problemsAt(problems, 'labels') !== undefined}
              rows={2}
              value={form.labels}
              onChange={(e) => {
                const v = e.target.value;
                update((f) => (f.labels = v));
              }}
              data-testid="rule-labels"
            />
          )}
        </Field>
      </FieldRow>
    </fieldset>
  );
}
