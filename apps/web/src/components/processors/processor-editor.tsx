'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useProcessor, useProcessorActions } from '../../hooks/processors.ts';
import { useCan } from '../../lib/use-can.ts';
import { ErrorBanner, QueryError } from '../error-banner.tsx';
import { Button, ConfirmDialog, Loading } from '../ui/index.ts';
import { emptyDefinition } from './definition-draft.ts';
import { DraftEditor } from './draft-editor.tsx';
import { LookupTablesPanel } from './lookup-tables-panel.tsx';
import styles from './sections.module.css';
import { StateBadge } from './state-badge.tsx';
import { VersionHistory } from './version-history.tsx';
import { BackfillPanel } from './backfill-panel.tsx';
import { OutputPanel } from './output-panel.tsx';
import { WorkersPanel } from './workers-panel.tsx';
import { ProcessorImpactCard } from './processor-impact.tsx';

/** One processor: its definition as forms, its versions, where it runs, and a preview. */
export function ProcessorEditor({ name }: { name: string }) {
  const detail = useProcessor(name);
  const canWrite = useCan('processors:write');
  const actions = useProcessorActions();
  const [shown, setShown] = useState<number | null>(null);
  const [confirmPause, setConfirmPause] = useState(false);
  const p = detail.data;
  if (!p) {
    return (
      <>
        <QueryError queries={detail} />
        {detail.isLoading && <Loading what="the processor" />}
      </>
    );
  }
  const latest = p.versions.at(-1)?.version ?? null;
  const shownVersion = shown ?? latest;
  const base = p.versions.find((v) => v.version === shownVersion);
  return (
    <>
      <div className={styles.head}>
        <div>
          <div className="crumbs">
            <Link href="/processors">Processors</Link> /
          </div>
          <div className={styles.title}>
            <h1 className="mono" data-testid="processor-name">
              {p.name}
            </h1>
            <StateBadge state={p.state} />
            <span className="muted" data-testid="processor-active-version">
              {p.activeVersion === null ? 'not published' : `v${p.activeVersion} published`}
            </span>
          </div>
          {p.description && <p className="muted small">{p.description}</p>}
        </div>
        {canWrite && p.state === 'active' && (
          <Button testId="pause-processor" onClick={() => setConfirmPause(true)}>
            Pause
          </Button>
        )}
        {canWrite && p.state === 'paused' && (
          <Button
            variant="primary"
            testId="resume-processor"
            disabled={actions.resume.isPending}
            onClick={() => actions.resume.mutate({ name })}
          >
            Resume
          </Button>
        )}
      </div>
      <ErrorBanner
        error={actions.pause.error ?? actions.resume.error}
        title="Not changed"
        testId="state-error"
      />
      <div className={styles.split}>
        {/* A version just saved may not be in the detail yet: wait for it rather than show an empty draft. */}
        {shownVersion !== null && !base ? (
          <Loading what={`v${shownVersion}`} />
        ) : (
          <DraftEditor
            key={shownVersion ?? 'new'}
            name={p.name}
            initial={base?.definition ?? emptyDefinition()}
            baseVersion={base?.version ?? null}
            canWrite={canWrite}
            onSaved={setShown}
          />
        )}
        <div className={styles.stack}>
          <VersionHistory
            name={p.name}
            versions={p.versions}
            activeVersion={p.activeVersion}
            shownVersion={shownVersion}
            canWrite={canWrite}
            onShow={setShown}
          />
          <WorkersPanel name={p.name} activeVersion={p.state === 'active' ? p.activeVersion : null} />
          {p.lastVersion > 0 && <ProcessorImpactCard name={p.name} />}
          {p.lastVersion > 0 && <OutputPanel name={p.name} />}
          {p.lastVersion > 0 && (
            <BackfillPanel name={p.name} versions={p.versions.map((v) => v.version)} canWrite={canWrite} />
          )}
          <LookupTablesPanel canWrite={canWrite} />
        </div>
      </div>
      <ConfirmDialog
        open={confirmPause}
        title={`Pause ${p.name}?`}
        confirmLabel="Pause"
        danger
        busy={actions.pause.isPending}
        onCancel={() => setConfirmPause(false)}
        onConfirm={() => actions.pause.mutate({ name }, { onSuccess: () => setConfirmPause(false) })}
      >
        Workers stop running it at their next batch boundary. Resuming runs v{p.activeVersion ?? '?'} again.
      </ConfirmDialog>
    </>
  );
}
