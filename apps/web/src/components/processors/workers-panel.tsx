'use client';

import { useWorkers } from '../../hooks/processors.ts';
import { QueryError } from '../error-banner.tsx';
import { Badge, Card, Table } from '../ui/index.ts';
import { formatWhen } from './when.ts';

/** Which version of this processor each worker runs, refreshed every 2 s. */
export function WorkersPanel({ name, activeVersion }: { name: string; activeVersion: number | null }) {
  const workers = useWorkers();
  const list = workers.data ?? [];
  return (
    <Card title="Running on workers" flush testId="processor-workers">
      <QueryError queries={workers} compact />
      {list.length === 0 ? (
        <p className="empty-row muted">{workers.isLoading ? 'Loading…' : 'No worker has reported yet.'}</p>
      ) : (
        <Table dense>
          <thead>
            <tr>
              <th>Worker</th>
              <th>Running</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {list.map((w) => {
              const running = w.processors[name];
              const current = running !== undefined && running.version === activeVersion;
              return (
                <tr
                  key={w.instance}
                  data-testid="worker-row"
                  data-instance={w.instance}
                  data-version={running?.version ?? ''}
                >
                  <td className="mono small">{w.instance}</td>
                  <td>
                    {running ? (
                      <Badge tone={current ? 'good' : 'warn'} testId="worker-version">
                        v{running.version}
                      </Badge>
                    ) : (
                      <span className="muted">not running</span>
                    )}
                  </td>
                  <td className="small nowrap">{running ? formatWhen(running.since) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
