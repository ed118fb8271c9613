import type { AlertCondition, AlertRule, AlertState, Labels } from '@tributary/contracts';
import type { AlertEvent, NotificationRecord } from './scheduler.ts';

/**
 * A notification as receivers and templates see it: the scheduler's record (group labels,
 * firing and resolved alerts) with each alert's rule, condition and links worked out. Plain data:
 * the webhook payload is built from it, the email and Slack texts are rendered from it.
 */

/** The condition in words and, for a threshold, its numbers. */
export interface ConditionSummary {
  text: string;
  /** The firing threshold of a threshold rule; null for ranges and anomaly bands. */
  threshold: number | null;
  /** Where an active alert clears (the threshold itself unless a recovery threshold is set). */
  recovery: number | null;
}

export interface LineageContext {
  /** The lineage node the alert is about (`table:events`, `source:web`, `panel:<dash>/<id>`). */
  node: string;
  upstream: string[];
  downstream: string[];
}

export interface NotificationAlert {
  status: 'firing' | 'resolved';
  /** The instance's state the alert is about: firing, no_data or error. */
  state: AlertState;
  rule: string;
  title: string;
  labels: Labels;
  value: number | null;
  condition: ConditionSummary;
  startsAt: number;
  endsAt: number | null;
  links: { panel: string | null; lineage: string | null };
  lineage: LineageContext | null;
}

export interface GroupNotification {
  /** When it fell due (epoch ms): "firing for" is measured to here. */
  at: number;
  receiver: string;
  routeId: string;
  groupId: string;
  reason: NotificationRecord['reason'];
  groupLabels: Labels;
  firing: NotificationAlert[];
  resolved: NotificationAlert[];
  /** Sent by "send test": no real alert behind it. */
  test: boolean;
}

export interface NotificationContext {
  /** Where the console is, e.g. http://127.0.0.1:3000: links are absolute. */
  consoleUrl: string;
  /** The rules by name (an alert's `alertname`); a rule since deleted is described by its name. */
  rule: (name: string) => AlertRule | undefined;
  /** Upstream/downstream labels of a lineage node (lineageNeighbours of @tributary/lineage). */
  lineage?: (nodeId: string) => { upstream: string[]; downstream: string[] } | null;
}

const n = (v: number) => formatNumber(v);

/** A value as a person reads it: at most 6 significant digits, no exponent for everyday sizes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** 45s, 12m, 2h 5m, 3d 4h. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

export function summarizeCondition(c: AlertCondition): ConditionSummary {
  switch (c.kind) {
    case 'threshold': {
      const recovery = c.recovery ?? c.threshold;
      const clears =
        recovery === c.threshold
          ? ''
          : ` (recovers at or ${c.op === 'above' ? 'below' : 'above'} ${n(recovery)})`;
      return { text: `${c.op} ${n(c.threshold)}${clears}`, threshold: c.threshold, recovery };
    }
    case 'outside_range': {
      const rl = c.recoveryLow ?? c.low;
      const rh = c.recoveryHigh ?? c.high;
      const clears = rl === c.low && rh === c.high ? '' : ` (recovers inside ${n(rl)} to ${n(rh)})`;
      return { text: `outside ${n(c.low)} to ${n(c.high)}${clears}`, threshold: null, recovery: null };
    }
    case 'anomaly': {
      const side = c.direction === 'both' ? 'outside' : c.direction;
      return {
        text: `${side} median ± ${n(c.multiplier)} × 1.4826 × MAD of the same hour over the last 4 weeks`,
        threshold: null,
        recovery: null,
      };
    }
  }
}

/**
 * The lineage node an alert is about. NOTE: spells @tributary/lineage's node ids (`nodeId`),
 * which this package does not depend on; keep the two in step.
 */
export function lineageNodeOf(rule: AlertRule, labels: Labels): string | null {
  const q = rule.query;
  if (q.kind === 'panel') return q.panel ? `panel:${q.panel.dashboard}/${q.panel.panelId}` : null;
  const s = q.signal;
  switch (s.kind) {
    case 'freshness':
      return `table:${s.table}`;
    case 'consumer_lag':
      return labels.group ? `consumer:${labels.group}` : null;
    case 'dead_letter_rate':
      return labels.stage === 'ingest' ? 'ingest' : 'table:dead_letters';
    case 'schema_violations':
      return 'ingest';
    case 'ingest_rejects':
    case 'source_silence':
      return labels.source ? `source:${labels.source}` : 'ingest';
    case 'processor_drop_rate':
      return labels.processor ? `processor:${labels.processor}` : null;
  }
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

export function panelLink(consoleUrl: string, dashboard: string, panelId: string): string {
  return `${base(consoleUrl)}/dashboards/${encodeURIComponent(dashboard)}#panel-${encodeURIComponent(panelId)}`;
}

/** The console's lineage page reads `?focus=<node id>` and opens focused on that node. */
export function lineageLink(consoleUrl: string, nodeId: string): string {
  return `${base(consoleUrl)}/lineage?focus=${encodeURIComponent(nodeId)}`;
}

export function describeAlert(event: AlertEvent, ctx: NotificationContext): NotificationAlert {
  const name = event.labels.alertname ?? '';
  const rule = ctx.rule(name);
  const state = (event.labels.alertstate ?? 'firing') as AlertState;
  const node = rule ? lineageNodeOf(rule, event.labels) : null;
  const panel = rule?.query.kind === 'panel' ? rule.query.panel : undefined;
  const neighbours = node ? (ctx.lineage?.(node) ?? null) : null;
  return {
    status: event.status,
    state,
    rule: name,
    title: rule?.title ?? name,
    labels: event.labels,
    value: event.value,
    condition: rule ? summarizeCondition(rule.condition) : { text: '', threshold: null, recovery: null },
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    links: {
      panel: panel ? panelLink(ctx.consoleUrl, panel.dashboard, panel.panelId) : null,
      lineage: node ? lineageLink(ctx.consoleUrl, node) : null,
    },
    lineage: node
      ? { node, upstream: neighbours?.upstream ?? [], downstream: neighbours?.downstream ?? [] }
      : null,
  };
}

/** The scheduler's record, described for receivers (records with outcome `send`). */
export function describeNotification(
  record: NotificationRecord,
  ctx: NotificationContext,
): GroupNotification {
  return {
    at: record.at,
    receiver: record.receiver,
    routeId: record.routeId,
    groupId: record.groupId,
    reason: record.reason,
    groupLabels: record.groupLabels,
    firing: record.firing.map((a) => describeAlert(a, ctx)),
    resolved: record.resolved.map((a) => describeAlert(a, ctx)),
    test: false,
  };
}
