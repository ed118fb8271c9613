'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';

/**
 * Before a processor is changed, paused or rolled back: the table it writes and the dashboard
 * panels that read it (and why), with a link to its place in the lineage graph.
 */
export function ProcessorImpactCard({ name }: { name: string }) {
  const trpc = useTRPC();
  const impact = useQuery(trpc.lineage.processorImpact.queryOptions({ name }));
  const d = impact.data;
  return (
    <section className="card" data-testid="processor-impact">
      <h2>Who depends on it</h2>
      <QueryError queries={impact} compact />
      {d && (
        <>
          <p className="small">
            v{d.version} writes <span className="mono">{d.table || '—'}</span> ·{' '}
            <Link href={`/lineage?focus=${encodeURIComponent(`processor:${name}`)}`}>see it in lineage</Link>
          </p>
          {d.panels.length === 0 ? (
            <p className="muted small" data-testid="processor-impact-none">
              No dashboard panel reads what it writes.
            </p>
          ) : (
            <ul data-testid="processor-impact-panels">
              {d.panels.map((p) => (
                <li key={`${p.dashboard}/${p.panelId}`} className="small">
                  Panel{' '}
                  <Link
                    href={`/dashboards/${encodeURIComponent(p.dashboard)}#panel-${encodeURIComponent(p.panelId)}`}
                  >
                    {p.panelTitle}
                  </Link>{' '}
                  on {p.dashboardTitle}: {p.why}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
