'use client';

import { useSharedDashboard } from '../../hooks/dashboards.ts';
import { QueryError } from '../error-banner.tsx';
import { Loading } from '../ui/index.ts';
import styles from './dashboards.module.css';
import { PanelCard } from './panel-card.tsx';

/** A dashboard opened by its read-only link: as saved (range, refresh, variable defaults), no sign-in. */
export function SharedDashboard({ token }: { token: string }) {
  const shared = useSharedDashboard(token);
  const d = shared.data;
  if (!d) {
    return (
      <>
        <QueryError queries={shared} />
        {shared.isLoading && <Loading what="the dashboard" />}
      </>
    );
  }
  const variables = Object.fromEntries(d.definition.variables.map((v) => [v.name, v.default]));
  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="dashboard-name">{d.title}</h1>
          <p className="muted small">Read-only link · last {d.definition.range}</p>
        </div>
      </div>
      <div className={styles.grid} data-testid="dashboard-grid">
        {d.definition.panels.map((p) => (
          <PanelCard
            key={p.id}
            origin={{ kind: 'shared', token }}
            panel={p}
            variables={variables}
            range={d.definition.range}
            refreshMs={d.definition.refreshSeconds * 1000}
          />
        ))}
      </div>
    </>
  );
}
