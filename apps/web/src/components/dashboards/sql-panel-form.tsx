'use client';

import { useMutation } from '@tanstack/react-query';
import { dashboardRanges, panelVizKinds, SQL_PANEL_QUERY, type DashboardPanel } from '@tributary/contracts';
import { useState, type FormEvent } from 'react';
import { errorText } from '../../lib/error-text.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { Button, Field, FieldRow, Select, Table, TextArea } from '../ui/index.ts';
import { newPanelSize, PanelBasics, type PanelWidth } from './panel-basics.tsx';

const PREVIEW_ROWS = 20;

const EXAMPLE = `SELECT toStartOfInterval(timestamp, INTERVAL {interval:UInt32} SECOND) AS t,
       event_type, count() AS v
FROM events
WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
GROUP BY t, event_type
ORDER BY t`;

/**
 * A raw SQL panel: one SELECT over the platform's tables, run as the read-only analyst user with
 * the panel limits. Run shows the first rows; Add panel saves it (the server checks it again).
 */
export function SqlPanelForm(props: {
  pending: boolean;
  onAdd: (panel: Omit<DashboardPanel, 'id' | 'layout'>, size: { w: number; h: number }) => void;
}) {
  const trpc = useTRPC();
  const preview = useMutation(trpc.dashboards.sqlPreview.mutationOptions());
  const [title, setTitle] = useState('');
  const [viz, setViz] = useState<(typeof panelVizKinds)[number]>('table');
  const [width, setWidth] = useState<PanelWidth>('6');
  const [sql, setSql] = useState(EXAMPLE);
  const [range, setRange] = useState<(typeof dashboardRanges)[number]>('1h');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onAdd(
      { title: title.trim(), viz, query: { ...SQL_PANEL_QUERY }, sql: sql.trim() },
      newPanelSize(viz, width),
    );
  };
  const result = preview.data;
  return (
    <form onSubmit={submit} noValidate data-testid="sql-panel-form">
      <PanelBasics
        title={title}
        onTitle={setTitle}
        viz={viz}
        onViz={setViz}
        width={width}
        onWidth={setWidth}
        testIds={{ title: 'sql-title', viz: 'sql-viz' }}
      />
      <Field
        label="SQL (one SELECT)"
        hint="{from:DateTime64(3)} and {to:DateTime64(3)} are the dashboard's range, {interval:UInt32} a bucket size in seconds. Columns: t (time, optional), v (the value), the rest name the series. Runs as the read-only analyst user: at most 30 s and 10,000 rows."
      >
        {(id, d) => (
          <TextArea
            id={id}
            aria-describedby={d}
            mono
            rows={8}
            spellCheck={false}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            data-testid="sql-text"
          />
        )}
      </Field>
      <FieldRow>
        <Field label="Preview range">
          {(id) => (
            <Select
              id={id}
              value={range}
              onValue={setRange}
              options={dashboardRanges.map((r) => ({ value: r, label: r }))}
            />
          )}
        </Field>
      </FieldRow>
      <Button
        type="button"
        disabled={sql.trim() === '' || preview.isPending}
        onClick={() => preview.mutate({ sql, range })}
        testId="sql-run"
      >
        {preview.isPending ? 'Running…' : 'Run'}
      </Button>{' '}
      <Button
        type="submit"
        variant="primary"
        disabled={title.trim() === '' || props.pending}
        testId="sql-add-panel"
      >
        {props.pending ? 'Saving…' : 'Add panel'}
      </Button>
      {preview.error && (
        <p className="error small" role="alert" data-testid="sql-error">
          {errorText(preview.error)}
        </p>
      )}
      {result && (
        <div data-testid="sql-preview">
          <p className="muted small">
            {result.rows.length.toLocaleString('en-US')} rows · {result.series.length} series ·{' '}
            {Math.round(result.stats.elapsedMs)} ms
            {result.rows.length > PREVIEW_ROWS ? ` · first ${PREVIEW_ROWS} shown` : ''}
          </p>
          <Table dense>
            <thead>
              <tr>
                {result.columns.map((c) => (
                  <th key={c.name} title={c.type}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.slice(0, PREVIEW_ROWS).map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j} className="mono">
                      {cell === null ? '—' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </form>
  );
}
