'use client';

import { pipelineStages } from '@tributary/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { deadLetterStageColors, stageColors } from '../../lib/colors.ts';
import { formatClock, formatCount, formatMinute, formatMs } from '../../lib/format.ts';
import { pollUnlessFailed } from '../../lib/error-text.ts';
import type { Series } from '../../lib/time-buckets.ts';
import { pipelineWindowKeys, pipelineWindows, REFRESH_MS, type PipelineWindow } from '../../lib/windows.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { SeriesChart } from '../series-chart.tsx';
import { Stat } from '../stat.tsx';
import { ProcessorsSection } from './processors-section.tsx';

const stageHints: Record<(typeof pipelineStages)[number], string> = {
  received: 'events in ingest requests',
  accepted: 'written to Kafka',
  rejected: 'refused at ingest',
  processed: 'through the workers',
  deduplicated: 'repeats dropped',
  inserted: 'stored in ClickHouse',
  dead_lettered: 'sent to the DLQ',
};

const badStages = new Set(['rejected', 'dead_lettered']);

function seriesTotal(series: Series): number {
  return series.points.reduce((sum, p) => sum + Object.values(p.values).reduce((a, b) => a + b, 0), 0);
}

export function PipelineView({
  range,
  onRange,
}: {
  range: PipelineWindow;
  onRange: (w: PipelineWindow) => void;
}) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.pipeline.overview.queryOptions(
      { window: range },
      { refetchInterval: pollUnlessFailed(REFRESH_MS), placeholderData: keepPreviousData },
    ),
  );
  const o = query.data;
  // While another window loads, the previous figures stay (dimmed) instead of flashing empty.
  const stale = query.isPlaceholderData ? ' stale' : '';
  const spec = pipelineWindows[range];
  const tick = range === '5m' ? (t: number) => formatClock(t).slice(0, 8) : formatMinute;

  return (
    <>
      <div className="page-head">
        <h1>Pipeline</h1>
        <div className="segmented" role="group" aria-label="Time window">
          {pipelineWindowKeys.map((w) => (
            <button
              key={w}
              type="button"
              className={w === range ? 'active' : ''}
              aria-pressed={w === range}
              data-testid={`window-${w}`}
              onClick={() => onRange(w)}
            >
              {pipelineWindows[w].label}
            </button>
          ))}
        </div>
      </div>
      <QueryError queries={query} />
      <section className={`card${stale}`} data-window={o?.window} aria-busy={query.isPlaceholderData}>
        <h2>Stage counts · last {spec.label}</h2>
        <div className="stages">
          {pipelineStages.map((stage) => (
            <Stat
              key={stage}
              label={stage.replace('_', ' ')}
              value={o ? formatCount(o.stages[stage]) : '…'}
              hint={stageHints[stage]}
              testId={`stage-${stage}`}
              tone={badStages.has(stage) && o && o.stages[stage] > 0 ? 'bad' : undefined}
            />
          ))}
        </div>
      </section>
      <div className={`stats${stale}`}>
        <Stat
          label="Freshness p50"
          value={o ? formatMs(o.freshness.p50) : '…'}
          hint="received → queryable"
          testId="freshness-p50"
        />
        <Stat
          label="Freshness p99"
          value={o ? formatMs(o.freshness.p99) : '…'}
          hint="received → queryable"
          testId="freshness-p99"
        />
        <Stat
          label="Events in ClickHouse"
          value={o ? formatCount(o.stored.events) : '…'}
          hint={`received in the last ${spec.label}`}
          testId="stored-events"
        />
        <Stat
          label="Dead letters"
          value={o ? formatCount(o.stored.deadLetters) : '…'}
          hint={
            <>
              failed in the last {spec.label} ·{' '}
              <Link href="/dlq" className="subject-link small" data-testid="pipeline-dlq-link">
                inspect
              </Link>
            </>
          }
          testId="stored-dead-letters"
          tone={o && o.stored.deadLetters > 0 ? 'bad' : undefined}
        />
      </div>
      <section className={`card${stale}`}>
        <h2>Throughput by stage · {spec.stepLabel}</h2>
        {o ? (
          <SeriesChart series={o.series} kind="line" height={240} formatTick={tick} colors={stageColors} />
        ) : (
          <div className="chart-placeholder" />
        )}
      </section>
      <section
        className={`card${stale}`}
        data-testid="dead-letter-chart"
        data-total={o ? seriesTotal(o.deadLetterSeries) : undefined}
      >
        <h2>Dead letters by failing stage · {spec.stepLabel}</h2>
        {o ? (
          <SeriesChart
            series={o.deadLetterSeries}
            kind="stacked-bar"
            height={200}
            formatTick={tick}
            colors={deadLetterStageColors}
          />
        ) : (
          <div className="chart-placeholder" />
        )}
      </section>
      <ProcessorsSection />
    </>
  );
}
