'use client';

import type { ProcessorDefinition } from '@tributary/contracts';
import { useState } from 'react';
import { usePreview } from '../../hooks/processors.ts';
import { formatCount } from '../../lib/format.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Button, Card, Field, numCell, Stat, StatGrid, Table, TextInput } from '../ui/index.ts';
import { PreviewEvents } from './preview-events.tsx';
import styles from './sections.module.css';

const DEFAULT_LIMIT = 200;

/**
 * Runs the draft as it is in the editor (not a saved version) on the newest events of its inputs
 * and their dead letters. Nothing is written anywhere.
 */
export function PreviewPanel({ definition }: { definition: ProcessorDefinition }) {
  const preview = usePreview();
  const [limitText, setLimitText] = useState(String(DEFAULT_LIMIT));
  const limit = Number(limitText);
  const limitOk = Number.isInteger(limit) && limit >= 1 && limit <= 2000;
  const r = preview.data;
  return (
    <Card
      title="Preview"
      testId="preview-panel"
      actions={
        <>
          <Field label="Last N events" error={limitOk ? undefined : '1 to 2000'}>
            {(id, describedBy) => (
              <TextInput
                id={id}
                aria-describedby={describedBy}
                type="number"
                value={limitText}
                data-testid="preview-limit"
                style={{ width: 90 }}
                onChange={(e) => setLimitText(e.target.value)}
              />
            )}
          </Field>
          <Button
            variant="primary"
            testId="preview-run"
            disabled={!limitOk || preview.isPending}
            onClick={() => preview.mutate({ definition, limit })}
          >
            {preview.isPending ? 'Running…' : 'Run'}
          </Button>
        </>
      }
    >
      <div className={styles.stack}>
        <ErrorBanner error={preview.error} compact title="Preview refused" testId="preview-error" />
        {!r && !preview.error && (
          <p className={styles.muted}>Runs the steps as edited on recent events; stores nothing.</p>
        )}
        {r && (
          <>
            <StatGrid>
              <Stat label="Input" value={formatCount(r.counts.input)} testId="preview-input" />
              <Stat label="Kept" value={formatCount(r.counts.kept)} testId="preview-kept" tone="good" />
              <Stat label="Dropped" value={formatCount(r.counts.dropped)} testId="preview-dropped" />
              <Stat
                label="Dead-lettered"
                value={formatCount(r.counts.deadLettered)}
                testId="preview-dead-lettered"
                tone={r.counts.deadLettered > 0 ? 'bad' : undefined}
              />
              <Stat
                label="Output refuses"
                value={formatCount(r.output.invalid)}
                hint={`of ${formatCount(r.output.checked)} checked`}
                testId="preview-invalid"
                tone={r.output.invalid > 0 ? 'bad' : undefined}
              />
            </StatGrid>
            {r.fieldsUnchecked && (
              <p className={styles.muted}>Fields not checked against schemas: {r.fieldsUnchecked}</p>
            )}
            {r.piiMasked && <p className={styles.muted}>pii values are masked (you do not hold pii:read).</p>}
            <Table dense testId="preview-steps" label="Cost per step">
              <thead>
                <tr>
                  <th>Step</th>
                  <th className={numCell}>In</th>
                  <th className={numCell}>Kept</th>
                  <th className={numCell}>Dropped</th>
                  <th className={numCell}>Dead-lettered</th>
                  <th className={numCell}>µs / event</th>
                </tr>
              </thead>
              <tbody>
                {r.steps.map((s) => (
                  <tr key={s.id} data-testid="preview-step" data-step={s.id}>
                    <td className="mono small">
                      {s.id} <span className="muted">{s.kind}</span>
                    </td>
                    <td className={numCell}>{formatCount(s.in)}</td>
                    <td className={numCell}>{formatCount(s.kept)}</td>
                    <td className={numCell}>{formatCount(s.dropped)}</td>
                    <td className={numCell}>{formatCount(s.deadLettered)}</td>
                    <td className={numCell} data-testid="preview-step-cost">
                      {s.microsPerEvent.toFixed(2)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {r.output.kind === 'aggregate' && (
              <p className={styles.muted} data-testid="preview-contributions">
                {formatCount(r.output.contributionCount)} window contributions
                {r.output.contributions.length > 0 &&
                  `, e.g. ${JSON.stringify(r.output.contributions[0]?.groups)} → ${JSON.stringify(r.output.contributions[0]?.values)}`}
              </p>
            )}
            <PreviewEvents events={r.events} />
            {r.eventsTruncated && (
              <p className={styles.muted}>Only the first {r.events.length} events are detailed.</p>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
