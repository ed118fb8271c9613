import { alertRuleSchema, silenceSchema, type AlertState, type Labels } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { lineageNodeOf } from '../notification.ts';
import { alertLabels } from '../rule-runner.ts';
import { expiryWarnings, previewSilence, silencedBy, type ExpiryWarning } from '../silences.ts';
import { parseOrRefuse } from './errors.ts';
import { listActiveAlertInstances, type AlertInstanceView } from './instances.ts';
import { listAlertSilences, type AlertSilenceView } from './silences.ts';

/**
 * What the Alerts page shows for each active instance beyond its stored state: the labels its
 * alert carries (what silences and routes match, the jobs service's alertLabels), the lineage
 * node it is about (so the lineage page can badge it), who acknowledged it, and the silence in
 * force over it. Silence previews and expiry warnings match against the same labels, so the
 * console and the evaluator agree on what a silence covers.
 */

export interface AlertSilencedBy {
  id: string;
  createdBy: string;
  comment: string;
  /** Epoch ms; null for "until resolved". */
  endsAt: number | null;
}

export interface AlertNowView extends AlertInstanceView {
  /** The rule's labels, the group's, alertname and alertstate: what silences match. */
  alertLabels: Labels;
  /** The lineage node the alert is about (lineageNodeOf), or null. */
  lineageNode: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  silencedBy: AlertSilencedBy | null;
}

// Pending instances have not notified anyone: only these are held back by a silence's end.
const NOTIFYING = new Set<AlertState>(['firing', 'no_data', 'error']);

interface AlertsNow {
  alerts: AlertNowView[];
  silences: AlertSilenceView[];
}

async function loadAlertsNow(db: Db, now: Date): Promise<AlertsNow> {
  const instances = await listActiveAlertInstances(db);
  const names = [...new Set(instances.map((i) => i.rule))];
  const [acks, rules, silences] = await Promise.all([
    instances.length === 0
      ? []
      : db.alertInstance.findMany({
          where: { state: { not: 'normal' }, acknowledgedAt: { not: null } },
          select: {
            groupKey: true,
            acknowledgedBy: true,
            acknowledgedAt: true,
            rule: { select: { name: true } },
          },
        }),
    names.length === 0
      ? []
      : db.alertRule.findMany({ where: { name: { in: names } }, select: { name: true, definition: true } }),
    listAlertSilences(db, { now }),
  ]);
  const ackOf = new Map(acks.map((a) => [`${a.rule.name}\n${a.groupKey}`, a]));
  // A row that no longer parses still shows its alert, without lineage or rule labels.
  const ruleOf = new Map(
    rules.flatMap((r) => {
      const parsed = alertRuleSchema.safeParse(r.definition);
      return parsed.success ? [[r.name, parsed.data] as const] : [];
    }),
  );
  const t = now.getTime();
  const alerts = instances.map((i): AlertNowView => {
    const rule = ruleOf.get(i.rule);
    const labels = alertLabels({ name: i.rule, labels: rule?.labels ?? {} }, i.labels, i.state);
    const ack = ackOf.get(`${i.rule}\n${i.groupKey}`);
    const silence = silencedBy(silences, labels, t);
    return {
      ...i,
      alertLabels: labels,
      lineageNode: rule ? lineageNodeOf(rule, i.labels) : null,
      acknowledgedBy: ack?.acknowledgedBy ?? null,
      acknowledgedAt: ack?.acknowledgedAt?.toISOString() ?? null,
      silencedBy: silence && {
        id: silence.id,
        createdBy: silence.createdBy,
        comment: silence.comment,
        endsAt: silence.end.kind === 'at' ? silence.end.endsAt : null,
      },
    };
  });
  return { alerts, silences };
}

/** Active instances (pending, firing, no data, error), newest first, with what the page shows. */
export async function listAlertsNow(db: Db, opts: { now?: Date } = {}): Promise<AlertNowView[]> {
  return (await loadAlertsNow(db, opts.now ?? new Date())).alerts;
}

function targets(alerts: readonly AlertNowView[]) {
  return alerts.map((a) => ({ labels: a.alertLabels, active: NOTIFYING.has(a.state), alert: a }));
}

/**
 * The active alerts a silence with these matchers would hold (the form's live preview). The
 * matchers are checked as a silence's are, so a preview refuses what saving would refuse.
 */
export async function previewAlertSilence(
  db: Db,
  matchers: unknown,
  opts: { now?: Date } = {},
): Promise<AlertNowView[]> {
  const checked = parseOrRefuse(silenceSchema.shape.matchers, matchers, 'silence');
  const { alerts } = await loadAlertsNow(db, opts.now ?? new Date());
  return previewSilence({ matchers: checked }, targets(alerts)).map((t) => t.alert);
}

export type SilenceExpiryWarning = Omit<ExpiryWarning, 'silence'> & { silence: AlertSilenceView };

/**
 * Silences in force ending within `withinMs` that still hold firing alerts: those alerts notify
 * when the silence ends, so whoever set it may want to extend it.
 */
export async function listSilenceExpiryWarnings(
  db: Db,
  opts: { withinMs: number; now?: Date },
): Promise<SilenceExpiryWarning[]> {
  const now = opts.now ?? new Date();
  const { alerts, silences } = await loadAlertsNow(db, now);
  // expiryWarnings hands back the very silence objects it was given: these views.
  return expiryWarnings(silences, targets(alerts), now.getTime(), opts.withinMs) as SilenceExpiryWarning[];
}
