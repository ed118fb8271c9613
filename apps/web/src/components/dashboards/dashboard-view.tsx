'use client';

import {
  dashboardRanges,
  dashboardRefreshSeconds,
  type DashboardDefinition,
  type DashboardRange,
} from '@tributary/contracts';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useState } from 'react';
import { useDashboard, useDashboardActions } from '../../hooks/dashboards.ts';
import { useCan } from '../../lib/use-can.ts';
import { QueryError } from '../error-banner.tsx';
import { Button, Card, Field, Loading, MutationError, Select } from '../ui/index.ts';
import { addPanel, removePanel } from './dashboard-draft.ts';
import styles from './dashboards.module.css';
import { applyLayout, layoutChanged, layoutDraft, type LayoutDraft } from './grid-layout.ts';
import { PanelCard } from './panel-card.tsx';
import { VariableForm } from './variable-form.tsx';
import { VariableInput } from './variable-input.tsx';

// What only an editor uses (the layout grid, the builder, access and shares) loads on its own, so
// a viewer's first render does not download and parse it (docs/decisions/dashboard-first-render.md).
const GridEditor = dynamic(() => import('./grid-editor.tsx').then((m) => m.GridEditor), { ssr: false });
const PanelBuilder = dynamic(() => import('./panel-builder.tsx').then((m) => m.PanelBuilder), { ssr: false });
const AccessPanel = dynamic(() => import('./access-panel.tsx').then((m) => m.AccessPanel), { ssr: false });
const SharesPanel = dynamic(() => import('./shares-panel.tsx').then((m) => m.SharesPanel), { ssr: false });

const REFRESH_LABELS: Record<number, string> = {
  0: 'off',
  2: '2 s',
  5: '5 s',
  10: '10 s',
  30: '30 s',
  60: '1 min',
};

/** The failure of a save made from a stale revision (someone else saved meanwhile). */
function isConflict(
  err: { data?: { tributaryCode?: string | null; httpStatus?: number } | null } | null,
): boolean {
  return err?.data?.tributaryCode === 'conflict' || err?.data?.httpStatus === 409;
}

/**
 * A dashboard: its panels on a 12-column grid, each refreshed on the dashboard's interval from a
 * result shared by every viewer; range and variables apply to this view at once, and those who
 * may edit add or remove panels, save the saved range and refresh, and, in "Edit layout", drag
 * and resize panels and save every panel's cell at once. Viewing keeps the static grid.
 */
export function DashboardView({ slug }: { slug: string }) {
  const dashboard = useDashboard(slug);
  const mayWrite = useCan('dashboards:write');
  const { update } = useDashboardActions();
  const [range, setRange] = useState<DashboardRange | null>(null);
  const [refresh, setRefresh] = useState<number | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  // While the layout is edited: the cells as dragged, and the revision the edit started from (the
  // save names it, so a save by someone else meanwhile is refused rather than overwritten).
  const [editing, setEditing] = useState<{ revision: number; draft: LayoutDraft } | null>(null);
  const d = dashboard.data;
  if (!d) {
    return (
      <>
        <QueryError queries={dashboard} />
        {dashboard.isLoading && <Loading what="the dashboard" />}
      </>
    );
  }
  // The permission, and this dashboard's own access (the server says whether both allow it).
  const canWrite = mayWrite && d.canEdit;
  const shownRange = range ?? d.definition.range;
  const shownRefresh = refresh ?? d.definition.refreshSeconds;
  const variables = Object.fromEntries(
    d.definition.variables.map((v) => [
      v.name,
      values[v.name] === undefined ? v.default : values[v.name] || null,
    ]),
  );
  const save = (definition: DashboardDefinition) => update.mutate({ slug, revision: d.revision, definition });
  const settingsChanged = shownRange !== d.definition.range || shownRefresh !== d.definition.refreshSeconds;
  const conflict = editing !== null && isConflict(update.error);
  const startEditing = () => {
    update.reset();
    setEditing({ revision: d.revision, draft: layoutDraft(d.definition.panels) });
  };
  const cancelEditing = () => {
    // After a conflict the page's copy is stale: read the version that was saved meanwhile.
    if (conflict) void dashboard.refetch();
    update.reset();
    setEditing(null);
  };
  const saveLayout = () => {
    if (!editing) return;
    update.mutate(
      { slug, revision: editing.revision, definition: applyLayout(d.definition, editing.draft) },
      { onSuccess: () => setEditing(null) },
    );
  };
  const panelProps = (p: (typeof d.definition.panels)[number]) => ({
    origin: { kind: 'dashboard' as const, slug },
    panel: p,
    variables,
    range: shownRange,
    refreshMs: shownRefresh * 1000,
  });
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/dashboards">Dashboards</Link> /
          </div>
          <h1 data-testid="dashboard-name">{d.title}</h1>
          {d.description && <p className="muted">{d.description}</p>}
        </div>
      </div>
      <div className={styles.toolbar}>
        <Field label="Range">
          {(id) => (
            <Select
              id={id}
              value={shownRange}
              onValue={setRange}
              options={dashboardRanges.map((r) => ({ value: r, label: `last ${r}` }))}
              data-testid="dashboard-range"
            />
          )}
        </Field>
        <Field label="Auto-refresh">
          {(id) => (
            <Select
              id={id}
              value={String(shownRefresh)}
              onValue={(v) => setRefresh(Number(v))}
              options={dashboardRefreshSeconds.map((s) => ({
                value: String(s),
                label: REFRESH_LABELS[s] ?? `${s} s`,
              }))}
              data-testid="dashboard-refresh"
            />
          )}
        </Field>
        {d.definition.variables.map((v) => (
          <Field key={v.name} label={v.label ?? v.name}>
            {(id) => (
              <VariableInput
                id={id}
                slug={slug}
                name={v.name}
                range={shownRange}
                value={values[v.name] ?? v.default ?? ''}
                onValue={(value) => setValues({ ...values, [v.name]: value })}
              />
            )}
          </Field>
        ))}
        {canWrite && !editing && d.definition.panels.length > 0 && (
          <Button onClick={startEditing} testId="edit-layout">
            Edit layout
          </Button>
        )}
        {editing && (
          <>
            <Button
              variant="primary"
              onClick={saveLayout}
              disabled={update.isPending || !layoutChanged(d.definition.panels, editing.draft)}
              testId="save-layout"
            >
              {update.isPending ? 'Saving…' : 'Save layout'}
            </Button>
            <Button
              variant="ghost"
              onClick={cancelEditing}
              disabled={update.isPending}
              testId="cancel-layout"
            >
              Cancel
            </Button>
          </>
        )}
        {canWrite && !editing && settingsChanged && (
          <Button
            onClick={() =>
              save({
                ...d.definition,
                range: shownRange,
                refreshSeconds: shownRefresh as DashboardDefinition['refreshSeconds'],
              })
            }
            disabled={update.isPending}
            testId="save-settings"
          >
            Save range and refresh
          </Button>
        )}
      </div>
      {conflict ? (
        <div className="banner banner-error" role="alert" data-testid="layout-conflict">
          Someone else saved this dashboard while you were arranging it, so your layout was not saved. Cancel
          to see their version, then arrange the panels again.
        </div>
      ) : (
        <MutationError error={update.error} testId="dashboard-save-error" />
      )}
      {editing && (
        <p className="muted small" data-testid="layout-hint">
          Drag a panel by its title, resize it from its lower right corner; Save keeps every panel&apos;s
          place.
        </p>
      )}
      {d.definition.panels.length === 0 ? (
        <p className="muted">No panel yet{canWrite ? ': add one below.' : '.'}</p>
      ) : editing ? (
        <GridEditor
          panels={d.definition.panels}
          draft={editing.draft}
          onChange={(draft) => setEditing({ ...editing, draft })}
          renderPanel={(p) => <PanelCard {...panelProps(p)} placement="fill" />}
        />
      ) : (
        <div className={styles.grid} data-testid="dashboard-grid">
          {d.definition.panels.map((p) => (
            <PanelCard
              key={p.id}
              {...panelProps(p)}
              {...(canWrite ? { onRemove: () => save(removePanel(d.definition, p.id)) } : {})}
            />
          ))}
        </div>
      )}
      {canWrite && !editing && (
        <>
          <AccessPanel key={d.revision} slug={slug} revision={d.revision} access={d.access} />
          <SharesPanel slug={slug} />
        </>
      )}
      {canWrite && (
        <Card title="Add a variable">
          <VariableForm
            pending={update.isPending}
            onAdd={(v) => save({ ...d.definition, variables: [...d.definition.variables, v] })}
          />
        </Card>
      )}
      {canWrite && (
        <Card title="Add a panel">
          <PanelBuilder
            pending={update.isPending}
            variables={d.definition.variables}
            onAdd={(panel, size) => save(addPanel(d.definition, panel, size))}
          />
        </Card>
      )}
    </>
  );
}
