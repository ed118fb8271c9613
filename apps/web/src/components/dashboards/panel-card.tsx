'use client';

import type { DashboardPanel, DashboardRange } from '@tributary/contracts';
import { isSqlPanel, panelVariables } from '@tributary/contracts';
import { useRef } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { usePanelData, type PanelOrigin } from '../../hooks/dashboards.ts';
import { seriesColor } from '../../lib/colors.ts';
import { formatMinute } from '../../lib/format.ts';
import { QueryError } from '../error-banner.tsx';
import { Badge, Button } from '../ui/index.ts';
import { chartRows, freshness, seriesLabel, statFigure } from './dashboard-draft.ts';
import styles from './dashboards.module.css';
import { exportFileName, keyColumns, measureColumn, panelCsv } from './export-csv.ts';
import { downloadBlob, downloadCsv, panelPng } from './export-file.ts';
import { PanelMenu } from './panel-menu.tsx';

const SOURCE_TEXT: Record<string, string> = {
  rollup_1h: 'from 1-hour rollup',
  rollup_1m: 'from 1-minute rollup',
  'rollup_1m+raw': 'from 1-minute rollup + raw edges',
  raw: 'from raw events',
  sql: 'raw SQL (analyst user)',
};

function formatValue(v: number | null): string {
  if (v === null) return '—';
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100);
}

/**
 * One panel: its chart, where its numbers came from (rollup or raw, rows read, time), refreshed
 * live, and a menu to export its current result (CSV) or its picture (PNG). `data-state` says
 * whether its data is shown (`ready`), still loading or failed (the render bench waits on it).
 * `fill`: the panel fills a cell someone else places (the layout editor), instead of placing
 * itself on the static grid.
 */
export function PanelCard(props: {
  origin: PanelOrigin;
  panel: DashboardPanel;
  variables: Record<string, string | null>;
  range: DashboardRange;
  refreshMs: number;
  onRemove?: () => void;
  placement?: 'grid' | 'fill';
}) {
  const { panel } = props;
  const card = useRef<HTMLElement>(null);
  // Only the variables this panel reads are in its query key: changing another one leaves it be.
  const own = Object.fromEntries(panelVariables(panel).map((name) => [name, props.variables[name] ?? null]));
  const data = usePanelData(props.origin, panel.id, own, props.range, props.refreshMs);
  const result = data.data;
  const state = result ? 'ready' : data.isError ? 'error' : 'loading';
  return (
    <section
      ref={card}
      className={styles.panel}
      style={
        props.placement === 'fill'
          ? { height: '100%' }
          : {
              gridColumn: `${panel.layout.x + 1} / span ${panel.layout.w}`,
              gridRow: `${panel.layout.y + 1} / span ${panel.layout.h}`,
            }
      }
      id={`panel-${panel.id}`}
      data-testid="panel"
      data-panel={panel.id}
      data-viz={panel.viz}
      data-state={state}
      data-source={result?.source ?? ''}
    >
      <header className={styles.panelHead}>
        <h3 className={styles.panelTitle}>{panel.title}</h3>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4 }} data-export-skip="">
          {props.onRemove && (
            <Button size="small" variant="ghost" onClick={props.onRemove} testId="remove-panel">
              Remove
            </Button>
          )}
          <PanelMenu
            items={[
              {
                label: 'Download CSV',
                testId: 'export-csv',
                disabled: !result,
                onSelect: () => {
                  if (!result) return;
                  // An SQL panel's builder query is a placeholder: its columns come from the result.
                  const sql = isSqlPanel(panel);
                  const csv = panelCsv({
                    groupBy: sql ? keyColumns(result.series) : panel.query.groupBy,
                    valueColumn: sql ? 'value' : measureColumn(panel.query.measure),
                    series: result.series,
                  });
                  downloadCsv(csv, exportFileName(panel.title, 'csv'));
                },
              },
              {
                label: 'Download PNG',
                testId: 'export-png',
                disabled: !result,
                onSelect: async () => {
                  if (!card.current) return;
                  downloadBlob(await panelPng(card.current), exportFileName(panel.title, 'png'));
                },
              },
            ]}
          />
        </div>
      </header>
      <QueryError queries={data} compact />
      {result && (
        <>
          {result.notices.map((n) => (
            <p key={n} className={`small ${styles.notice}`} data-testid="panel-notice">
              {n}
            </p>
          ))}
          <div className={styles.panelBody}>
            {panel.viz === 'table' && result.table ? (
              <SqlTable table={result.table} />
            ) : (
              <PanelViz panel={panel} series={result.series} />
            )}
          </div>
          <footer className={styles.panelFoot} data-testid="panel-source">
            <Badge tone={result.source === 'raw' ? 'neutral' : 'good'}>{SOURCE_TEXT[result.source]}</Badge>{' '}
            {result.stats.rowsRead.toLocaleString('en-US')} rows read
            {result.stats.elapsedMs > 0 ? ` · ${Math.round(result.stats.elapsedMs)} ms` : ''}
            {result.cache !== 'computed' ? ' · shared result' : ''}{' '}
            <FreshnessBadge at={result.watermark.at} />
          </footer>
        </>
      )}
    </section>
  );
}

type Series = { key: string[]; points: { t: number; v: number | null }[] };

/** An SQL table panel: ClickHouse's columns and rows as they came (capped by the panel limits). */
function SqlTable({ table }: { table: { columns: { name: string }[]; rows: unknown[][] } }) {
  if (table.rows.length === 0) return <p className="muted small">The query returned no rows.</p>;
  return (
    <table className={styles.table} data-testid="sql-table">
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c.name}>{c.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i} data-testid="panel-row">
            {row.map((cell, j) => (
              <td key={j}>
                {cell === null ? '—' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PanelViz({ panel, series }: { panel: DashboardPanel; series: Series[] }) {
  if (series.length === 0) return <p className="muted small">No events in this range.</p>;
  if (panel.viz === 'stat') {
    const points = series[0]?.points ?? [];
    const { value, change, total } = statFigure(panel.query.measure.fn, points);
    return (
      <div className={styles.stat}>
        <div className={styles.statValue} data-testid="stat-value" data-value={value ?? ''}>
          {formatValue(value)}
        </div>
        {change !== null && (
          <div className={change >= 0 ? styles.up : styles.down}>
            {change >= 0 ? '▲' : '▼'} {Math.abs(change * 100).toFixed(1)} % newest bucket vs the one before
          </div>
        )}
        <div className="muted small">{total ? 'in the range' : 'newest bucket'}</div>
        <LineChart data={points} responsive style={{ width: '100%', height: 48 }}>
          <Line dataKey="v" stroke={seriesColor(0)} dot={false} isAnimationActive={false} />
        </LineChart>
      </div>
    );
  }
  if (panel.viz === 'table') {
    return (
      <table className={styles.table}>
        <thead>
          <tr>
            <th>{panel.query.groupBy.join(' · ') || 'series'}</th>
            <th>newest</th>
            <th>total</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.key.join('\u0000')} data-testid="panel-row">
              <td>{seriesLabel(s.key, panel.title)}</td>
              <td>{formatValue(s.points.at(-1)?.v ?? null)}</td>
              <td>{formatValue(s.points.reduce((n, p) => n + (p.v ?? 0), 0))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (panel.viz === 'pie') {
    const slices = series.map((s, i) => ({
      name: seriesLabel(s.key, panel.title),
      value: s.points.reduce((n, p) => n + (p.v ?? 0), 0),
      fill: seriesColor(i),
    }));
    return (
      <PieChart responsive style={{ width: '100%', height: '100%' }}>
        <Pie data={slices} dataKey="value" nameKey="name" isAnimationActive={false} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
      </PieChart>
    );
  }
  const { rows, labels } = chartRows(series, panel.title);
  const common = { data: rows, responsive: true, style: { width: '100%', height: '100%' } };
  const axes = [
    <CartesianGrid key="g" stroke="#e8ebf0" vertical={false} />,
    <XAxis
      key="x"
      dataKey="t"
      tickFormatter={(t: number) => formatMinute(t)}
      minTickGap={24}
      tick={{ fontSize: 11 }}
    />,
    <YAxis key="y" width={48} tick={{ fontSize: 11 }} />,
    <Tooltip
      key="tip"
      labelFormatter={(t) => (typeof t === 'number' ? `${formatMinute(t)} UTC` : String(t))}
    />,
    <Legend key="l" wrapperStyle={{ fontSize: 12 }} />,
  ];
  if (panel.viz === 'bar') {
    return (
      <BarChart {...common}>
        {axes}
        {labels.map((l, i) => (
          <Bar key={l} dataKey={l} stackId="s" fill={seriesColor(i)} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  }
  if (panel.viz === 'area') {
    return (
      <AreaChart {...common}>
        {axes}
        {labels.map((l, i) => (
          <Area
            key={l}
            dataKey={l}
            stackId="s"
            stroke={seriesColor(i)}
            fill={seriesColor(i)}
            isAnimationActive={false}
          />
        ))}
      </AreaChart>
    );
  }
  return (
    <LineChart {...common}>
      {axes}
      {labels.map((l, i) => (
        <Line key={l} dataKey={l} stroke={seriesColor(i)} dot={false} isAnimationActive={false} />
      ))}
    </LineChart>
  );
}

function FreshnessBadge({ at }: { at: number | null }) {
  const f = freshness({ at }, Date.now());
  return (
    <span data-testid="panel-freshness" data-tone={f.tone}>
      <Badge tone={f.tone}>{f.text}</Badge>
    </span>
  );
}
