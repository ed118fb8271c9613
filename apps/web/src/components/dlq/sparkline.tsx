'use client';

import { Area, AreaChart, YAxis } from 'recharts';

/** A group's failures over the time range, oldest left: the shape matters, not the axis. */
export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const data = values.map((v, i) => ({ i, v }));
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <div className="sparkline" role="img" aria-label={`${label}: ${total} over the range`}>
      <AreaChart width={120} height={28} data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
        <YAxis hide domain={[0, (max: number) => Math.max(max, 1)]} />
        <Area
          type="monotone"
          dataKey="v"
          stroke="#D55E00"
          fill="#D55E00"
          fillOpacity={0.18}
          strokeWidth={1.5}
          isAnimationActive={false}
          dot={false}
        />
      </AreaChart>
    </div>
  );
}
