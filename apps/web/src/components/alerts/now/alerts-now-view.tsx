'use client';

import type { AlertNowView } from '@tributary/alerts';
import Link from 'next/link';
import { useState } from 'react';
import { ALERTS_REFRESH_MS, useAlertActions, useAlertsNow } from '../../../hooks/alerts.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { Card, EmptyState, Loading, MutationError, Stat, StatGrid } from '../../ui/index.ts';
import { SilenceDialog } from '../silences/silence-dialog.tsx';
import { emptyDraft, matchersForAlert, type SilenceDraft } from '../silences/silence-draft.ts';
import { AlertsTable } from './alerts-table.tsx';
import { countByState, orderAlerts } from './alert-order.ts';

/** What is wrong now: every instance firing, failing, without data or pending, polled. */
export function AlertsNowView() {
  const alerts = useAlertsNow();
  const canWrite = useCan('alerts:write');
  const { acknowledge } = useAlertActions();
  const [silencing, setSilencing] = useState<{ draft: SilenceDraft; title: string } | null>(null);
  const list = orderAlerts(alerts.data ?? []);
  const counts = countByState(list);

  const onSilence = (a: AlertNowView) =>
    setSilencing({ draft: emptyDraft(matchersForAlert(a)), title: `Silence ${a.ruleTitle}` });

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <div className="muted small">
            Alert instances not normal now. Silence one to stop its notifications for a while (it keeps being
            evaluated); acknowledge it so others on call see it is taken.
          </div>
        </div>
        <span className="live-dot" title={`Refreshes every ${ALERTS_REFRESH_MS / 1000} s`}>
          live · every {ALERTS_REFRESH_MS / 1000} s
        </span>
      </div>
      <QueryError queries={alerts} title="Could not load the alerts" />
      {alerts.data && (
        <StatGrid>
          <Stat
            label="Firing"
            value={counts.firing}
            testId="count-firing"
            tone={counts.firing > 0 ? 'bad' : 'good'}
          />
          <Stat
            label="Error"
            value={counts.error}
            testId="count-error"
            tone={counts.error > 0 ? 'bad' : undefined}
          />
          <Stat label="No data" value={counts.no_data} testId="count-no-data" />
          <Stat label="Pending" value={counts.pending} testId="count-pending" />
        </StatGrid>
      )}
      <MutationError error={acknowledge.error} testId="acknowledge-error" />
      {!alerts.data && !alerts.error && <Loading what="alerts" />}
      {alerts.data && list.length === 0 && (
        <EmptyState title="Nothing is wrong right now">
          No alert is firing, pending, without data or failing. Rules are on the{' '}
          <Link href="/alerts/rules">Rules</Link> page; what happened before is in{' '}
          <Link href="/alerts/history">History</Link>.
        </EmptyState>
      )}
      {list.length > 0 && (
        <Card flush>
          <AlertsTable
            alerts={list}
            canWrite={canWrite}
            onSilence={onSilence}
            onAcknowledge={(a) => acknowledge.mutate({ rule: a.rule, groupKey: a.groupKey })}
            acknowledging={
              acknowledge.isPending && acknowledge.variables
                ? `${acknowledge.variables.rule}\n${acknowledge.variables.groupKey}`
                : null
            }
          />
        </Card>
      )}
      <SilenceDialog
        key={silencing?.title ?? 'closed'}
        draft={silencing?.draft ?? null}
        title={silencing?.title ?? ''}
        onClose={() => setSilencing(null)}
      />
    </>
  );
}
