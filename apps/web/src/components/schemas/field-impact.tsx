'use client';

import { useQuery } from '@tanstack/react-query';
import { panelFieldSchema } from '@tributary/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';

/**
 * Before a field is changed or deprecated: which running processors (and the tables they write)
 * and which dashboard panels read it, and where in their definitions.
 */
export function FieldImpact({ subject }: { subject: string }) {
  const trpc = useTRPC();
  const [field, setField] = useState('data.');
  const debounced = useDebounced(field.trim(), 300);
  const valid = panelFieldSchema.safeParse(debounced).success;
  const impact = useQuery(
    trpc.lineage.fieldImpact.queryOptions({ eventType: subject, field: debounced }, { enabled: valid }),
  );
  const data = valid ? impact.data : undefined;
  return (
    <section className="card" data-testid="field-impact">
      <h2>Who reads a field</h2>
      <label className="small muted" htmlFor="impact-field">
        Field (a path such as data.amount)
      </label>
      <input
        id="impact-field"
        className="select mono"
        value={field}
        onChange={(e) => setField(e.target.value)}
        data-testid="impact-field"
      />
      {!valid && debounced !== 'data.' && (
        <p className="field-error">a path under data., metadata. or derived.</p>
      )}
      <QueryError queries={impact} compact />
      {data && data.processors.length === 0 && data.panels.length === 0 && (
        <p className="muted small" data-testid="impact-none">
          No running processor and no dashboard panel reads {data.field}.
        </p>
      )}
      {data && data.processors.length > 0 && (
        <ul data-testid="impact-processors">
          {data.processors.map((p) => (
            <li key={p.name}>
              Processor <Link href={`/processors/${encodeURIComponent(p.name)}`}>{p.name}</Link> v{p.version}{' '}
              ({p.state}) writing <span className="mono">{p.table}</span>:{' '}
              {p.uses.map((u) => `${u.where} (${u.path})`).join(', ')}
            </li>
          ))}
        </ul>
      )}
      {data && data.panels.length > 0 && (
        <ul data-testid="impact-panels">
          {data.panels.map((p) => (
            <li key={`${p.dashboard}/${p.panelId}`}>
              Panel “{p.panelTitle}” on{' '}
              <Link href={`/dashboards/${encodeURIComponent(p.dashboard)}`}>{p.dashboardTitle}</Link>:{' '}
              {p.uses.map((u) => `${u.where} (${u.path})`).join(', ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
