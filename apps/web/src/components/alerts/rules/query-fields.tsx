'use client';

import { panelIntervals, panelReducers } from '@tributary/contracts';
import { MEASURE_LABELS } from '../../../lib/panel-measures.ts';
import { Button, Field, FieldRow, Select, TextInput } from '../../ui/index.ts';
import {
  DLQ_STAGES,
  FILTER_OPS,
  MEASURE_FNS,
  problemsAt,
  QUANTILES,
  SIGNAL_KINDS,
  type FilterRow,
  type Problem,
  type RuleForm,
} from './rule-draft.ts';
import styles from './rules.module.css';

export interface SectionProps {
  form: RuleForm;
  update: (edit: (f: RuleForm) => void) => void;
  problems: readonly Problem[];
}

/** The paths the query section shows problems for (the rest are listed apart). */
export const QUERY_PATHS = ['query'];

/** What the rule measures: one of the pipeline's own signals, or a panel query. */
export function QueryFields(props: SectionProps) {
  const { form, update } = props;
  return (
    <fieldset className={styles.section} data-testid="rule-query">
      <legend>Query</legend>
      <div role="radiogroup" aria-label="Query kind" className={styles.choices}>
        {(
          [
            ['signal', 'A pipeline signal'],
            ['panel', 'A panel query'],
          ] as const
        ).map(([kind, label]) => (
          <label key={kind}>
            <input
              type="radio"
              name="query-kind"
              value={kind}
              checked={form.queryKind === kind}
              onChange={() => update((f) => (f.queryKind = kind))}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {form.queryKind === 'signal' ? <SignalFields {...props} /> : <PanelFields {...props} />}
    </fieldset>
  );
}

function ListInput(
  props: SectionProps & {
    label: string;
    path: string;
    value: string;
    hint?: string;
    set: (f: RuleForm, v: string) => void;
    testId: string;
  },
) {
  return (
    <Field label={props.label} hint={props.hint} error={problemsAt(props.problems, props.path)}>
      {(id, d) => (
        <TextInput
          id={id}
          aria-describedby={d}
          mono
          value={props.value}
          invalid={problemsAt(props.problems, props.path) !== undefined}
          onChange={(e) => {
            const v = e.target.value;
            props.update((f) => props.set(f, v));
          }}
          data-testid={props.testId}
        />
      )}
    </Field>
  );
}

function SignalFields(props: SectionProps) {
  const { form, update, problems } = props;
  const s = form.signal;
  const unit = SIGNAL_KINDS.find((k) => k.kind === s.kind)?.unit;
  return (
    <>
      <FieldRow>
        <Field
          label="Signal"
          hint={unit ? `its value: ${unit}` : undefined}
          error={problemsAt(problems, 'query.signal.kind')}
        >
          {(id, d) => (
            <Select
              id={id}
              aria-describedby={d}
              value={s.kind}
              onValue={(kind) => update((f) => (f.signal.kind = kind))}
              options={SIGNAL_KINDS.map((k) => ({ value: k.kind, label: k.label }))}
              data-testid="rule-signal"
            />
          )}
        </Field>
        {s.kind === 'freshness' && (
          <Field label="Quantile">
            {(id) => (
              <Select
                id={id}
                value={s.quantile}
                onValue={(q) => update((f) => (f.signal.quantile = q))}
                options={QUANTILES.map((q) => ({ value: q, label: `p${Number(q) * 100}` }))}
                data-testid="rule-signal-quantile"
              />
            )}
          </Field>
        )}
      </FieldRow>
      {s.kind === 'freshness' && (
        <label className="small">
          <input
            type="checkbox"
            checked={s.bySource}
            onChange={(e) => {
              const v = e.target.checked;
              update((f) => (f.signal.bySource = v));
            }}
          />{' '}
          One alert per source
        </label>
      )}
      {s.kind === 'consumer_lag' && (
        <ListInput
          {...props}
          label="Consumer groups (comma-separated; empty: every group)"
          path="query.signal.groups"
          value={s.groups}
          set={(f, v) => (f.signal.groups = v)}
          testId="rule-signal-groups"
        />
      )}
      {s.kind === 'dead_letter_rate' && (
        <>
          <fieldset className={styles.choices} aria-label="Group by">
            <span className="small muted">Per</span>
            {(['stage', 'code'] as const).map((g) => (
              <label key={g} className="small">
                <input
                  type="checkbox"
                  checked={s.dlqGroupBy.includes(g)}
                  onChange={(e) => {
                    const on = e.target.checked;
                    update(
                      (f) =>
                        (f.signal.dlqGroupBy = on
                          ? [...f.signal.dlqGroupBy, g]
                          : f.signal.dlqGroupBy.filter((x) => x !== g)),
                    );
                  }}
                />{' '}
                {g}
              </label>
            ))}
          </fieldset>
          <fieldset className={styles.choices} aria-label="Stages">
            <span className="small muted">Stages (none: all)</span>
            {DLQ_STAGES.map((st) => (
              <label key={st} className="small">
                <input
                  type="checkbox"
                  checked={s.stages.includes(st)}
                  onChange={(e) => {
                    const on = e.target.checked;
                    update(
                      (f) =>
                        (f.signal.stages = on
                          ? [...f.signal.stages, st]
                          : f.signal.stages.filter((x) => x !== st)),
                    );
                  }}
                />{' '}
                {st}
              </label>
            ))}
          </fieldset>
          <ListInput
            {...props}
            label="Codes (comma-separated; empty: all)"
            path="query.signal.codes"
            value={s.codes}
            set={(f, v) => (f.signal.codes = v)}
            testId="rule-signal-codes"
          />
        </>
      )}
      {(s.kind === 'ingest_rejects' || s.kind === 'source_silence') && (
        <FieldRow>
          <ListInput
            {...props}
            label={
              s.kind === 'source_silence'
                ? 'Sources to watch (comma-separated)'
                : 'Sources (comma-separated; empty: all)'
            }
            path="query.signal.sources"
            value={s.sources}
            set={(f, v) => (f.signal.sources = v)}
            testId="rule-signal-sources"
          />
          {s.kind === 'source_silence' && (
            <ListInput
              {...props}
              label="Minutes"
              hint="events received in the last N minutes"
              path="query.signal.minutes"
              value={s.minutes}
              set={(f, v) => (f.signal.minutes = v)}
              testId="rule-signal-minutes"
            />
          )}
        </FieldRow>
      )}
      {s.kind === 'schema_violations' && (
        <ListInput
          {...props}
          label="Event types (comma-separated; empty: all)"
          path="query.signal.eventTypes"
          value={s.eventTypes}
          set={(f, v) => (f.signal.eventTypes = v)}
          testId="rule-signal-event-types"
        />
      )}
      {s.kind === 'processor_drop_rate' && (
        <ListInput
          {...props}
          label="Processors (comma-separated; empty: all)"
          path="query.signal.processors"
          value={s.processors}
          set={(f, v) => (f.signal.processors = v)}
          testId="rule-signal-processors"
        />
      )}
    </>
  );
}

function PanelFields(props: SectionProps) {
  const { form, update, problems } = props;
  const p = form.panel;
  const needsField = p.fn !== 'count' && p.fn !== 'unique_users';
  const setFilter = (i: number, edit: (row: FilterRow) => void) =>
    update((f) => {
      const row = f.panel.filters[i];
      if (row) edit(row);
    });
  return (
    <>
      <FieldRow>
        <Field label="Read from">
          {(id) => (
            <Select
              id={id}
              value={p.sourceKind}
              onValue={(k) => update((f) => (f.panel.sourceKind = k))}
              options={[
                { value: 'events', label: 'events' },
                { value: 'processor', label: "a processor's table" },
              ]}
              data-testid="rule-panel-source"
            />
          )}
        </Field>
        {p.sourceKind === 'events' ? (
          <ListInput
            {...props}
            label="Event types (comma-separated; empty: all)"
            path="query.query.source"
            value={p.eventTypes}
            set={(f, v) => (f.panel.eventTypes = v)}
            testId="rule-panel-event-types"
          />
        ) : (
          <ListInput
            {...props}
            label="Processor"
            path="query.query.source"
            value={p.processor}
            set={(f, v) => (f.panel.processor = v)}
            testId="rule-panel-processor"
          />
        )}
      </FieldRow>
      <FieldRow>
        <Field label="Measure" error={problemsAt(problems, 'query.query.measure.fn')}>
          {(id) => (
            <Select
              id={id}
              value={p.fn}
              onValue={(fn) => update((f) => (f.panel.fn = fn))}
              options={MEASURE_FNS.map((m) => ({ value: m, label: MEASURE_LABELS[m] }))}
              data-testid="rule-panel-measure"
            />
          )}
        </Field>
        {needsField && (
          <ListInput
            {...props}
            label="Field"
            hint="e.g. data.amount"
            path="query.query.measure"
            value={p.field}
            set={(f, v) => (f.panel.field = v)}
            testId="rule-panel-field"
          />
        )}
        <ListInput
          {...props}
          label="Group by (up to 2)"
          hint="e.g. source, data.plan: one alert per group"
          path="query.query.groupBy"
          value={p.groupBy}
          set={(f, v) => (f.panel.groupBy = v)}
          testId="rule-panel-group-by"
        />
      </FieldRow>
      <FieldRow>
        <Field label="Bucket (fixed interval)" error={problemsAt(problems, 'query.query.interval')}>
          {(id) => (
            <Select
              id={id}
              value={p.interval}
              onValue={(v) => update((f) => (f.panel.interval = v))}
              options={panelIntervals.map((i) => ({ value: `${i}` as const, label: `${i} s` }))}
              data-testid="rule-panel-interval"
            />
          )}
        </Field>
        <Field label="Reduce the window's buckets by" error={problemsAt(problems, 'query.reduce')}>
          {(id) => (
            <Select
              id={id}
              value={p.reduce}
              onValue={(v) => update((f) => (f.panel.reduce = v))}
              options={panelReducers.map((r) => ({ value: r, label: r }))}
              data-testid="rule-panel-reduce"
            />
          )}
        </Field>
      </FieldRow>
      <div className={styles.filters} data-testid="rule-panel-filters">
        <span className="small muted">Filters</span>
        {p.filters.map((row, i) => (
          <div key={i} className={styles.filterRow}>
            <TextInput
              mono
              aria-label={`Filter ${i + 1} field`}
              placeholder="data.plan"
              value={row.field}
              onChange={(e) => {
                const v = e.target.value;
                setFilter(i, (r) => (r.field = v));
              }}
            />
            <Select
              aria-label={`Filter ${i + 1} operator`}
              value={row.op}
              onValue={(op) => setFilter(i, (r) => (r.op = op))}
              options={FILTER_OPS.map((o) => ({ value: o, label: o.replace('_', ' ') }))}
            />
            <TextInput
              mono
              aria-label={`Filter ${i + 1} value`}
              placeholder={row.op === 'in' || row.op === 'not_in' ? 'a, b, c' : 'value'}
              value={row.value}
              onChange={(e) => {
                const v = e.target.value;
                setFilter(i, (r) => (r.value = v));
              }}
            />
            <Button
              size="small"
              variant="ghost"
              aria-label={`Remove filter ${i + 1}`}
              onClick={() => update((f) => f.panel.filters.splice(i, 1))}
            >
              Remove
            </Button>
            {problemsAt(problems, `query.query.filters.${i}`) && (
              <span className="field-error" role="alert">
                {problemsAt(problems, `query.query.filters.${i}`)}
              </span>
            )}
          </div>
        ))}
        <Button
          size="small"
          onClick={() => update((f) => f.panel.filters.push({ field: '', op: '=', value: '' }))}
          testId="rule-add-filter"
        >
          Add filter
        </Button>
      </div>
    </>
  );
}
