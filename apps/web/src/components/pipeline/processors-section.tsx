'use client';

import Link from 'next/link';
import { useProcessorList, useWorkers } from '../../hooks/processors.ts';
import { versionsRunning } from '../processors/worker-versions.ts';
import { RatesCells, RatesHeads } from '../processors/rates-cells.tsx';
import { StateBadge } from '../processors/state-badge.tsx';
import { Badge, Card, Table } from '../ui/index.ts';

/** Per processor that is not a draft: its state, published version, rates and the workers running it. */
export function ProcessorsSection() {
  const list = useProcessorList();
  const workers = useWorkers();
  const shown = (list.data ?? []).filter((p) => p.state !== 'draft');
  if (shown.length === 0) return null;
  return (
    <Card title="Processors" flush testId="pipeline-processors">
      <Table dense>
        <thead>
          <tr>
            <th>Processor</th>
            <th>State</th>
            <th>Published</th>
            <RatesHeads />
            <th>Workers running</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.name} data-testid="pipeline-processor" data-processor={p.name}>
              <td>
                <Link href={`/processors/${encodeURIComponent(p.name)}`} className="subject-link mono">
                  {p.name}
                </Link>
              </td>
              <td>
                <StateBadge state={p.state} />
              </td>
              <td>{p.activeVersion === null ? '—' : `v${p.activeVersion}`}</td>
              <RatesCells rates={p.rates} error={p.ratesError?.message} />
              <td>
                {versionsRunning(workers.data ?? [], p.name).map((r) => (
                  <Badge key={r.version} tone={r.version === p.activeVersion ? 'good' : 'warn'}>
                    v{r.version} × {r.workers}
                  </Badge>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
