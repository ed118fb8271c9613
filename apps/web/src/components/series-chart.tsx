'use client';

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor } from '../lib/colors.ts';
import { formatMinute } from '../lib/format.ts';
import type { Series } from '../lib/time-buckets.ts';

interface Props {
  series: Series;
  kind: 'stacked-bar' | 'line';
  height?: number;
  formatTick?: (t: number) => string;
  /** Fixed colours by key; keys without one take the palette by position. */
  colors?: Record<string, string>;
}

/** Time series from fillSeries: one bar stack or line per key, zero-filled buckets. */
export function SeriesChart({ series, kind, height = 260, formatTick = formatMinute, colors = {} }: Props) {
  const color = (key: string, i: number) => colors[key] ?? seriesColor(i);
  const common = {
    data: series.points,
    responsive: true,
    style: { width: '100%', height },
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
  };
  const axes = [
    <CartesianGrid key="grid" stroke="#e8ebf0" vertical={false} />,
    <XAxis
      key="x"
      dataKey="t"
      tickFormatter={(t: number) => formatTick(t)}
      minTickGap={24}
      tick={{ fontSize: 12, fill: '#5b6472' }}
      stroke="#c9ced6"
    />,
    <YAxis
      key="y"
      allowDecimals={false}
      domain={[0, (max: number) => Math.max(max, 4)]}
      width={48}
      tick={{ fontSize: 12, fill: '#5b6472' }}
      stroke="#c9ced6"
    />,
    <Tooltip
      key="tip"
      labelFormatter={(t) => (typeof t === 'number' ? `${formatTick(t)} UTC` : String(t))}
      contentStyle={{ fontSize: 13, borderRadius: 6 }}
    />,
    <Legend key="legend" itemSorter={null} wrapperStyle={{ fontSize: 13 }} />,
  ];
  if (kind === 'line') {
    return (
      <LineChart {...common}>
        {axes}
        {series.keys.map((key, i) => (
          <Line
            key={key}
            name={key}
            dataKey={(p: { values: Record<string, number> }) => p.values[key] ?? 0}
            stroke={color(key, i)}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    );
  }
  return (
    <BarChart {...common}>
      {axes}
      {series.keys.map((key, i) => (
        <Bar
          key={key}
          name={key}
          stackId="all"
          dataKey={(p: { values: Record<string, number> }) => p.values[key] ?? 0}
          fill={color(key, i)}
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}
