'use client';

import type { AlertCondition } from '@tributary/contracts';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { seriesColor } from '../../../lib/colors.ts';
import type { BacktestView } from './backtest-view.ts';
import { conditionLines, groupName } from './backtest-view.ts';

/** Most firing intervals shaded: past that the chart is one red smear and only slower to draw. */
const MAX_SHADED = 300;

function tick(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * The values each evaluation saw (one line per group), the condition's lines, and the intervals
 * the rule would have fired, shaded. Times in UTC.
 */
export function BacktestChart(props: { result: BacktestView; condition: AlertCondition; height?: number }) {
  const { result, condition } = props;
  const lines = conditionLines(condition);
  const band = condition.kind === 'anomaly' ? result.series[0] : undefined;
  return (
    <div
      role="img"
      aria-label={`Backtest chart: the rule's value per evaluation${lines.length ? `, with ${lines.map((l) => l.label).join(' and ')}` : ''}, and ${result.firingsTotal} shaded firing intervals`}
      data-testid="backtest-chart"
    >
      <ComposedChart
        responsive
        style={{ width: '100%', height: props.height ?? 300 }}
        margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
      >
        <CartesianGrid stroke="#e8ebf0" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[result.range.from, result.range.to]}
          tickFormatter={tick}
          minTickGap={32}
          tick={{ fontSize: 12, fill: '#5b6472' }}
          stroke="#c9ced6"
          allowDuplicatedCategory={false}
        />
        <YAxis width={56} tick={{ fontSize: 12, fill: '#5b6472' }} stroke="#c9ced6" />
        <Tooltip
          labelFormatter={(t) => (typeof t === 'number' ? `${tick(t)} UTC` : String(t))}
          contentStyle={{ fontSize: 13, borderRadius: 6 }}
        />
        <Legend wrapperStyle={{ fontSize: 13 }} />
        {result.firings.slice(0, MAX_SHADED).map((f, i) => (
          <ReferenceArea
            key={`f${i}`}
            x1={f.from}
            x2={f.to ?? result.range.to}
            fill={f.state === 'firing' ? '#D55E00' : '#7F7F7F'}
            fillOpacity={0.15}
            // A short firing in a long range is a pixel wide: the edge keeps it visible.
            stroke={f.state === 'firing' ? '#D55E00' : '#7F7F7F'}
            strokeOpacity={0.5}
            ifOverflow="hidden"
          />
        ))}
        {band && (
          <Area
            data={band.points.filter((p) => p.low !== undefined)}
            dataKey={(p: { low?: number; high?: number }) => [p.low, p.high]}
            name="anomaly band"
            stroke="none"
            fill="#56B4E9"
            fillOpacity={0.2}
            isAnimationActive={false}
          />
        )}
        {result.series.map((s, i) => (
          <Line
            key={s.key}
            data={s.points}
            dataKey="v"
            name={groupName(s.labels)}
            stroke={seriesColor(i)}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        ))}
        {lines.map((l) => (
          <ReferenceLine
            key={l.label}
            y={l.y}
            stroke={l.kind === 'fire' ? '#D55E00' : '#009E73'}
            strokeDasharray="5 4"
            label={{ value: l.label, position: 'insideTopRight', fontSize: 11, fill: '#5b6472' }}
            ifOverflow="extendDomain"
          />
        ))}
      </ComposedChart>
    </div>
  );
}
