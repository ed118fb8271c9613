'use client';

import Link from 'next/link';
import { useProcessorList, useWorkers } from '../../hooks/processors.ts';
import { useCan } from '../../lib/use-can.ts';
import { QueryError } from '../error-banner.tsx';
import { Badge, Card, EmptyState, Loading, numCell, Table } from '../ui/index.ts';
import { RatesCells, RatesHeads } from './rates-cells.tsx';
import { StateBadge } from './state-badge.tsx';
import { versionsRunning } from './worker-versions.ts';

/** Every processor: state, versions, rates over the last minutes, and which version each worker runs. */
export function ProcessorsList() {
  const list = useProcessorList();
  const workers = useWorkers();
  const canWrite = useCan('processors:write');
  const processors = list.data ?? [];
  const newButton = (testId: string) =>
    canWrite && (
      <Link href="/processors/new" className="btn btn-primary" data-testid={testId}>
        New processor
      </Link>
    );
  return (
    <>
      <div className="page-head">
        <h1>Processors</h1>
        {newButton('new-processor')}
      </div>
      <QueryError queries={[list, workers]} />
      {list.isLoading && <Loading what="processors" />}
      {list.data && processors.length === 0 && (
        <EmptyState title="No processor yet" action={newButton('new-processor-empty') || undefined}>
          A processor filters, enriches and aggregates events on their way into ClickHouse, and is published
          to the workers as a versioned whole.
        </EmptyState>
      )}
      {processors.length > 0 && (
        <Card flush testId="processors-table">
          <Table>
            <thead>
              <tr>
                <th>Processor</th>
                <th>State</th>
                <th className={numCell}>Published</th>
                <th className={numCell}>Latest</th>
                <RatesHeads />
                <th>Workers running</th>
              </tr>
            </thead>
            <tbody>
              {processors.map((p) => {
                const running = versionsRunning(workers.data ?? [], p.name);
                return (
                  <tr key={p.name} data-testid="processor-row" data-processor={p.name}>
                    <td>
                      <Link href={`/processors/${encodeURIComponent(p.name)}`} className="subject-link mono">
                        {p.name}
                      </Link>
                      {p.description && <div className="muted small ellipsis">{p.description}</div>}
                    </td>
                    <td>
                      <StateBadge state={p.state} />
                    </td>
                    <td className={numCell} data-testid="processor-active">
                      {p.activeVersion === null ? '—' : `v${p.activeVersion}`}
                    </td>
                    <td className={numCell}>{p.lastVersion === 0 ? '—' : `v${p.lastVersion}`}</td>
                    <RatesCells rates={p.rates} error={p.ratesError?.message} />
                    <td data-testid="processor-running">
                      {running.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        running.map((r) => (
                          <Badge key={r.version} tone={r.version === p.activeVersion ? 'good' : 'warn'}>
                            v{r.version} × {r.workers}
                          </Badge>
                        ))
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
