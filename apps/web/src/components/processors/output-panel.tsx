'use client';

import { useProcessorOutput } from '../../hooks/processors.ts';
import { QueryError } from '../error-banner.tsx';
import { Card, Table } from '../ui/index.ts';
import { formatWhen } from './when.ts';

function valueText(v: number | null | (number | null)[]): string {
  if (Array.isArray(v)) return v.map((x) => (x === null ? '—' : String(x))).join(' / ');
  return v === null ? '—' : String(v);
}

function windowText(start: number, end: number): string {
  const f = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  return `${new Date(start).toISOString().slice(0, 10)} ${f(start)}–${f(end)}`;
}

/**
 * The processor's output filling, read back from ClickHouse every 2 s: rows per version over the
 * last hour and, for an aggregate, the newest windows' final values.
 */
export function OutputPanel({ name }: { name: string }) {
  const out = useProcessorOutput(name);
  const data = out.data;
  const groupNames = data?.windows[0] ? Object.keys(data.windows[0].groups) : [];
  const measureNames = data?.windows[0] ? Object.keys(data.windows[0].values) : [];
  return (
    <Card title="Output" flush testId="processor-output">
      <QueryError queries={out} compact />
      {data && (
        <>
          <p className="empty-row small muted" data-testid="output-table-name">
            <span className="mono">{data.table}</span>, last {data.minutes} min
            {data.piiMasked && ' · pii group values masked'}
          </p>
          {data.byVersion.length === 0 ? (
            <p className="empty-row muted">Nothing written in the last {data.minutes} minutes.</p>
          ) : (
            <Table dense>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>{data.kind === 'aggregate' ? 'Windows' : 'Rows'}</th>
                  <th>Last written</th>
                </tr>
              </thead>
              <tbody>
                {data.byVersion.map((v) => (
                  <tr
                    key={v.version}
                    data-testid="output-version"
                    data-version={v.version}
                    data-rows={v.rows}
                  >
                    <td>v{v.version}</td>
                    <td>{v.rows}</td>
                    <td className="small nowrap">
                      {v.lastInsertedAt === null ? '—' : formatWhen(v.lastInsertedAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {data.windows.length > 0 && (
            <Table dense>
              <thead>
                <tr>
                  <th>Window (UTC)</th>
                  {groupNames.map((g) => (
                    <th key={g}>{g}</th>
                  ))}
                  {measureNames.map((m) => (
                    <th key={m}>{m}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.windows.map((w) => (
                  <tr key={`${w.windowStart}:${JSON.stringify(w.groups)}`} data-testid="output-window">
                    <td className="small nowrap">{windowText(w.windowStart, w.windowEnd)}</td>
                    {groupNames.map((g) => (
                      <td key={g} className="mono small" data-group={g}>
                        {w.groups[g]}
                      </td>
                    ))}
                    {measureNames.map((m) => (
                      <td key={m} data-measure={m}>
                        {valueText(w.values[m] ?? null)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </>
      )}
    </Card>
  );
}
