'use client';

import { useState } from 'react';
import { z } from 'zod';
import { useLookupTables, useProcessorActions } from '../../hooks/processors.ts';
import type { ErrorLike } from '../../lib/error-text.ts';
import { formatCount } from '../../lib/format.ts';
import { ErrorBanner, QueryError } from '../error-banner.tsx';
import { Button, Card, FieldRow, numCell, Table, TextArea, Field } from '../ui/index.ts';
import styles from './sections.module.css';
import { TextField } from './text-field.tsx';

const brokenRowsSchema = z.object({ errors: z.array(z.object({ line: z.number(), message: z.string() })) });

/** The broken rows of a refused CSV (line numbers), when the server sent them as data. */
function brokenRows(err: ErrorLike | null): { line: number; message: string }[] {
  if (!err) return [];
  const parsed = brokenRowsSchema.safeParse(err.data);
  if (parsed.success) return parsed.data.errors;
  // Otherwise its words name them: "line 3: …; line 7: …".
  return [...err.message.matchAll(/line (\d+): ([^;]+?)(?=; line \d+:| \(and \d+ more\)|$)/g)].map((m) => ({
    line: Number(m[1]),
    message: m[2] ?? '',
  }));
}

/** CSV tables that enrich_lookup steps join; each upload is a new version, refused whole if a row is broken. */
export function LookupTablesPanel({ canWrite }: { canWrite: boolean }) {
  const tables = useLookupTables();
  const { uploadLookupTable: upload } = useProcessorActions();
  const [name, setName] = useState('');
  const [keyColumn, setKeyColumn] = useState('');
  const [csv, setCsv] = useState('');
  const rows = brokenRows(upload.error);
  return (
    <Card title="Lookup tables" testId="lookup-tables">
      <div className={styles.stack}>
        <QueryError queries={tables} compact />
        {(tables.data ?? []).length === 0 ? (
          <p className={styles.muted}>No lookup table uploaded yet.</p>
        ) : (
          <Table dense>
            <thead>
              <tr>
                <th>Table</th>
                <th>Version</th>
                <th>Key</th>
                <th>Columns</th>
                <th className={numCell}>Rows</th>
              </tr>
            </thead>
            <tbody>
              {(tables.data ?? []).map((t) => (
                <tr key={t.name} data-testid="lookup-table-row" data-table={t.name}>
                  <td className="mono small">{t.name}</td>
                  <td>{t.latest ? `v${t.latest.version}` : '—'}</td>
                  <td className="mono small">{t.latest?.keyColumn ?? '—'}</td>
                  <td className="mono small">{t.latest?.columns.join(', ') ?? '—'}</td>
                  <td className={numCell}>{t.latest ? formatCount(t.latest.rowCount) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {canWrite && (
          <form
            className={styles.stack}
            onSubmit={(e) => {
              e.preventDefault();
              upload.mutate({ name, keyColumn, csv }, { onSuccess: () => setCsv('') });
            }}
          >
            <FieldRow>
              <TextField label="Table name" value={name} testId="lookup-name" onChange={setName} />
              <TextField label="Key column" value={keyColumn} testId="lookup-key" onChange={setKeyColumn} />
              <Field label="CSV file">
                {(id) => (
                  <input
                    id={id}
                    type="file"
                    accept=".csv,text/csv"
                    data-testid="lookup-file"
                    onChange={(e) => {
                      const file = e.target.files?.[0];
                      if (file) void file.text().then(setCsv);
                    }}
                  />
                )}
              </Field>
            </FieldRow>
            <Field label="CSV (header row first)">
              {(id) => (
                <TextArea
                  id={id}
                  mono
                  rows={5}
                  value={csv}
                  data-testid="lookup-csv"
                  onChange={(e) => setCsv(e.target.value)}
                />
              )}
            </Field>
            <div>
              <Button
                type="submit"
                variant="primary"
                testId="lookup-upload"
                disabled={upload.isPending || !name || !keyColumn || !csv}
              >
                {upload.isPending ? 'Uploading…' : 'Upload as new version'}
              </Button>
            </div>
            <ErrorBanner error={upload.error} compact title="Not stored" testId="lookup-error" />
            {rows.length > 0 && (
              <ul className={styles.problems} data-testid="lookup-broken-rows">
                {rows.map((r) => (
                  <li key={r.line}>
                    line {r.line}: {r.message}
                  </li>
                ))}
              </ul>
            )}
            {upload.data && <p className="good-text small">Stored v{upload.data.version}.</p>}
          </form>
        )}
      </div>
    </Card>
  );
}
