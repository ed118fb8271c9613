'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatAgo, formatCount } from '../../lib/format.ts';
import { pollUnlessFailed } from '../../lib/error-text.ts';
import { REFRESH_MS, TAIL_LIMIT } from '../../lib/windows.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { SeriesChart } from '../series-chart.tsx';
import { Stat } from '../stat.tsx';
import { EmptyState } from './empty-state.tsx';
import { EventTail } from './event-tail.tsx';
import { ProcessorsNote } from './processors-note.tsx';

/** One flow of the tail (a lineage edge links here with it in the URL). */
export interface TailFilter {
  source?: string;
  eventType?: string;
  processor?: string;
}

export function LiveView({ ingestUrl, filter = {} }: { ingestUrl: string; filter?: TailFilter }) {
  const trpc = useTRPC();
  const poll = { refetchInterval: pollUnlessFailed(REFRESH_MS) };
  const overview = useQuery(trpc.live.overview.queryOptions(undefined, poll));
  const tail = useQuery(trpc.live.tail.queryOptions({ limit: TAIL_LIMIT, ...filter }, poll));
  const filterWords = [
    filter.source && `source ${filter.source}`,
    filter.eventType && `type ${filter.eventType}`,
    filter.processor && `processor ${filter.processor}`,
  ].filter(Boolean);
  const o = overview.data;
  const lastHour = o
    ? o.perMinute.points.reduce((sum, p) => sum + Object.values(p.values).reduce((a, b) => a + b, 0), 0)
    : 0;

  return (
    <>
      <div className="page-head">
        <h1>Live</h1>
        <span className="live-dot" title={`Refreshes every ${REFRESH_MS / 1000} s`}>
          live · every {REFRESH_MS / 1000} s
        </span>
      </div>
      <QueryError queries={[overview, tail]} />
      <div className="stats">
        <Stat label="Total events" value={o ? formatCount(o.totalEvents) : '…'} testId="total-events" />
        <Stat
          label="Last event"
          value={o ? (o.lastEventAt === null ? 'never' : formatAgo(o.now - o.lastEventAt)) : '…'}
          testId="last-event"
        />
        <Stat label="Last hour" value={o ? formatCount(lastHour) : '…'} hint="events received" />
        <Stat label="Event types" value={o ? o.perMinute.keys.length : '…'} hint="seen in the last hour" />
      </div>
      <ProcessorsNote />
      {o?.totalEvents === 0 && <EmptyState ingestUrl={ingestUrl} />}
      <section className="card" data-testid="live-chart">
        <h2>Events per minute · last hour</h2>
        {o ? <SeriesChart series={o.perMinute} kind="stacked-bar" /> : <div className="chart-placeholder" />}
      </section>
      <section className="card" data-testid="live-tail">
        <h2>Newest events</h2>
        {filterWords.length > 0 && (
          <p className="muted" data-testid="tail-filter">
            Only {filterWords.join(', ')} · <Link href="/live">show all</Link>
          </p>
        )}
        {tail.data ? <EventTail events={tail.data} /> : <p className="muted">Loading…</p>}
      </section>
    </>
  );
}
