'use client';

import {
  panelIntervals,
  panelVizKinds,
  type DashboardPanel,
  type DashboardVariable,
} from '@tributary/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../../trpc/react.tsx';
import { splitList } from '../processors/definition-draft.ts';
import { Button, Field, FieldRow, Select, TextInput } from '../ui/index.ts';
import { FieldDatalist, useFieldSuggestions, useProcessorSources } from './field-suggestions.tsx';
import { SqlPanelForm } from './sql-panel-form.tsx';
import { MEASURE_LABELS, PANEL_MEASURES, type PanelMeasure } from '../../lib/panel-measures.ts';
import { newPanelSize, PanelBasics, type PanelWidth } from './panel-basics.tsx';

const MEASURES = PANEL_MEASURES;
type MeasureFn = PanelMeasure;
const INTERVALS = ['auto', ...panelIntervals.map(String)] as const;

/** The event field a variable's value is compared with. */
export function variableField(v: DashboardVariable): DashboardPanel['query']['groupBy'][number] {
  return v.kind === 'field' ? (v.field ?? 'event_type') : v.kind;
}

type BuilderProps = {
  pending: boolean;
  /** The dashboard's variables: the panel may filter by any of them. */
  variables: readonly DashboardVariable[];
  onAdd: (panel: Omit<DashboardPanel, 'id' | 'layout'>, size: { w: number; h: number }) => void;
};

/**
 * Adding a panel: the query builder, or — for those with dashboards:sql — a raw SQL panel. The
 * server checks the permission again when the dashboard is saved.
 */
export function PanelBuilder(props: BuilderProps) {
  const trpc = useTRPC();
  const me = useQuery(trpc.viewer.me.queryOptions());
  const canSql = me.data?.permissions.includes('dashboards:sql') ?? false;
  const [mode, setMode] = useState<'builder' | 'sql'>('builder');
  return (
    <>
      {canSql && (
        <div role="tablist" aria-label="Panel kind" className="small" data-testid="panel-mode">
          <Button
            size="small"
            variant={mode === 'builder' ? 'primary' : 'ghost'}
            onClick={() => setMode('builder')}
            testId="panel-mode-builder"
          >
            Builder
          </Button>{' '}
          <Button
            size="small"
            variant={mode === 'sql' ? 'primary' : 'ghost'}
            onClick={() => setMode('sql')}
            testId="panel-mode-sql"
          >
            SQL
          </Button>
        </div>
      )}
      {mode === 'sql' && canSql ? (
        <SqlPanelForm pending={props.pending} onAdd={props.onAdd} />
      ) : (
        <QueryBuilder {...props} />
      )}
    </>
  );
}

/** The query builder: what to measure over which events (or a processor's table), grouped how, drawn as what. */
function QueryBuilder(props: BuilderProps) {
  const [title, setTitle] = useState('');
  const [sourceName, setSourceName] = useState('');
  const [viz, setViz] = useState<(typeof panelVizKinds)[number]>('line');
  const [types, setTypes] = useState('');
  const [fn, setFn] = useState<MeasureFn>('count');
  const [field, setField] = useState('');
  const [groupBy, setGroupBy] = useState('');
  const [interval, setInterval] = useState<(typeof INTERVALS)[number]>('auto');
  const [width, setWidth] = useState<PanelWidth>('6');
  const [uses, setUses] = useState<string[]>([]);
  const needsField = fn !== 'count' && fn !== 'unique_users';
  const numeric = needsField && fn !== 'uniq';
  const processors = useProcessorSources();
  const source: DashboardPanel['query']['source'] =
    sourceName === ''
      ? { kind: 'events', eventTypes: splitList(types) }
      : { kind: 'processor', processor: sourceName };
  const suggestions = useFieldSuggestions(source);
  const fields = suggestions.data ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const measure = needsField ? { fn, field: field.trim() } : { fn };
    props.onAdd(
      {
        title: title.trim(),
        viz,
        query: {
          source,
          measure: measure as DashboardPanel['query']['measure'],
          groupBy: splitList(groupBy),
          filters: props.variables
            .filter((v) => uses.includes(v.name))
            .map((v) => ({ field: variableField(v), op: '=' as const, variable: v.name })),
          interval: interval === 'auto' ? 'auto' : (Number(interval) as DashboardPanel['query']['interval']),
          seriesLimit: 20,
        },
      },
      newPanelSize(viz, width),
    );
  };
  return (
    <form onSubmit={submit} noValidate data-testid="panel-builder">
      <PanelBasics
        title={title}
        onTitle={setTitle}
        viz={viz}
        onViz={setViz}
        width={width}
        onWidth={setWidth}
        testIds={{ title: 'panel-title', viz: 'panel-viz' }}
      />
      <FieldRow>
        {(processors.data?.length ?? 0) > 0 && (
          <Field label="Read from" hint="events, or a processor's own table (its columns are the fields)">
            {(id, d) => (
              <Select
                id={id}
                aria-describedby={d}
                value={sourceName}
                onValue={setSourceName}
                options={[
                  { value: '', label: 'events' },
                  ...(processors.data ?? []).map((p) => ({ value: p.name, label: `${p.name} (${p.table})` })),
                ]}
                data-testid="panel-source-kind"
              />
            )}
          </Field>
        )}
        {sourceName === '' && (
          <Field label="Event types (comma-separated; empty: all)">
            {(id) => (
              <TextInput
                id={id}
                mono
                value={types}
                onChange={(e) => setTypes(e.target.value)}
                data-testid="panel-types"
              />
            )}
          </Field>
        )}
        <Field label="Measure">
          {(id) => (
            <Select
              id={id}
              value={fn}
              onValue={setFn}
              options={MEASURES.map((m) => ({ value: m, label: MEASURE_LABELS[m] }))}
              data-testid="panel-measure"
            />
          )}
        </Field>
        {needsField && (
          <Field
            label="Field"
            hint={
              sourceName === ''
                ? `e.g. data.amount${numeric ? ' (numeric fields suggested)' : ''}`
                : 'a column'
            }
          >
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                mono
                list="panel-field-suggestions"
                autoComplete="off"
                value={field}
                onChange={(e) => setField(e.target.value)}
                data-testid="panel-field"
              />
            )}
          </Field>
        )}
      </FieldRow>
      <FieldRow>
        <Field label="Group by (up to 2, comma-separated)" hint="e.g. event_type, data.plan">
          {(id, d) => (
            <TextInput
              id={id}
              aria-describedby={d}
              mono
              list="panel-group-suggestions"
              autoComplete="off"
              value={groupBy}
              onChange={(e) => setGroupBy(e.target.value)}
              data-testid="panel-group-by"
            />
          )}
        </Field>
        <Field label="Interval (seconds)">
          {(id) => (
            <Select
              id={id}
              value={interval}
              onValue={setInterval}
              options={INTERVALS.map((i) => ({ value: i, label: i }))}
              data-testid="panel-interval"
            />
          )}
        </Field>
      </FieldRow>
      {props.variables.length > 0 && (
        <fieldset className="picker" data-testid="panel-variables">
          <legend className="small muted">Filtered by</legend>
          {props.variables.map((v) => (
            <label key={v.name} className="small">
              <input
                type="checkbox"
                data-variable={v.name}
                checked={uses.includes(v.name)}
                onChange={(e) =>
                  setUses(e.target.checked ? [...uses, v.name] : uses.filter((u) => u !== v.name))
                }
              />{' '}
              {v.label ?? v.name} ({variableField(v)})
            </label>
          ))}
        </fieldset>
      )}
      <FieldDatalist id="panel-field-suggestions" fields={fields} numericOnly={numeric} />
      <FieldDatalist
        id="panel-group-suggestions"
        fields={fields.filter((f) => f.type !== 'object' && f.type !== 'array')}
      />
      <Button
        type="submit"
        variant="primary"
        disabled={title.trim() === '' || props.pending}
        testId="add-panel"
      >
        {props.pending ? 'Saving…' : 'Add panel'}
      </Button>
    </form>
  );
}
