import { alertRuleSchema, type AlertRule } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { labelsKey } from './labels.ts';
import { describeNotification, formatDuration, type NotificationContext } from './notification.ts';
import { webhookPayload, webhookPayloadSchema } from './receivers/payload.ts';
import type { AlertEvent, NotificationRecord } from './scheduler.ts';
import { escapeHtml, renderMessage, renderSlack } from './templates.ts';

const MIN = 60_000;
const T = Date.parse('2026-03-10T12:00:00.000Z');

const panelRule: AlertRule = alertRuleSchema.parse({
  name: 'purchases-low',
  title: 'Purchases <too> low',
  query: {
    kind: 'panel',
    query: {
      source: { kind: 'events', eventTypes: ['purchase'] },
      measure: { fn: 'count' },
      groupBy: ['source'],
      interval: 60,
      range: { from: 0, to: 60_000 },
    },
    reduce: 'sum',
    panel: { dashboard: 'sales', panelId: 'p 1' },
  },
  condition: { kind: 'threshold', op: 'below', threshold: 10, recovery: 12 },
});

const lagRule: AlertRule = alertRuleSchema.parse({
  name: 'lag',
  title: 'Consumer lag',
  query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
  condition: { kind: 'threshold', op: 'above', threshold: 60 },
});

const ctx: NotificationContext = {
  consoleUrl: 'http://console.test:3000/',
  rule: (name) => [panelRule, lagRule].find((r) => r.name === name),
  lineage: (node) =>
    node === 'panel:sales/p 1'
      ? { upstream: ['events', 'workers', 'ingest', 'web'], downstream: [] }
      : { upstream: ['t.events'], downstream: ['events'] },
};

function alert(
  labels: Record<string, string>,
  value: number | null,
  startsAt: number,
  endsAt: number | null = null,
): AlertEvent {
  return {
    fingerprint: labelsKey(labels),
    labels,
    status: endsAt === null ? 'firing' : 'resolved',
    startsAt,
    endsAt,
    value,
  };
}

function record(firing: AlertEvent[], resolved: AlertEvent[] = []): NotificationRecord {
  return {
    at: T,
    groupId: 'g1',
    routeId: 'root',
    receiver: 'oncall',
    groupLabels: { alertname: 'purchases-low' },
    firing,
    resolved,
    outcome: 'send',
    reason: 'first',
    by: [],
  };
}

const purchases = alert(
  { alertname: 'purchases-low', alertstate: 'firing', source: '<b>web</b>' },
  3,
  T - 12 * MIN,
);

describe('messages', () => {
  it('say the value, threshold, recovery threshold, how long, labels, links and lineage', () => {
    const n = describeNotification(record([purchases]), ctx);
    const m = renderMessage(n, '[Tributary]');
    expect(m.subject).toBe('[Tributary] [FIRING:1] Purchases <too> low');
    expect(m.text).toContain('FIRING Purchases <too> low — source=<b>web</b>');
    expect(m.text).toContain('value: 3 (condition: below 10 (recovers at or above 12))');
    expect(m.text).toContain('threshold: 10');
    expect(m.text).toContain('recovery threshold: 12');
    expect(m.text).toContain('for: 12m (since 2026-03-10T11:48:00.000Z)');
    expect(m.text).toContain('panel: http://console.test:3000/dashboards/sales#panel-p%201');
    expect(m.text).toContain('lineage: http://console.test:3000/lineage?focus=panel%3Asales%2Fp%201');
    expect(m.text).toContain('upstream: events, workers, ingest, web');
    expect(m.text).toContain('downstream: none');
  });

  it('escape HTML: label values and titles cannot inject markup', () => {
    const html = renderMessage(describeNotification(record([purchases]), ctx)).html;
    expect(html).not.toContain('<b>web</b>');
    expect(html).toContain('&lt;b&gt;web&lt;/b&gt;');
    expect(html).toContain('Purchases &lt;too&gt; low');
    expect(html).toContain('<a href="http://console.test:3000/dashboards/sales#panel-p%201">');
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('a signal rule links to its lineage node; resolved alerts say for how long they fired', () => {
    const lag = alert({ alertname: 'lag', alertstate: 'firing', group: 'workers' }, 75, T - 3 * MIN, T - MIN);
    const n = describeNotification({ ...record([], [lag]), groupLabels: { alertname: 'lag' } }, ctx);
    const m = renderMessage(n);
    expect(m.subject).toBe('[RESOLVED] Consumer lag');
    expect(m.text).toContain('RESOLVED Consumer lag — group=workers');
    expect(m.text).toContain('resolved: after 2m');
    expect(m.text).toContain('lineage: http://console.test:3000/lineage?focus=consumer%3Aworkers');
    expect(m.text).not.toContain('recovery threshold');
    expect(n.resolved[0]!.links.panel).toBeNull();
  });

  it('no data has no value; a deleted rule is named by its alertname', () => {
    const gone = alert({ alertname: 'deleted-rule', alertstate: 'no_data' }, null, T - MIN);
    const n = describeNotification({ ...record([gone]), groupLabels: {} }, ctx);
    const m = renderMessage(n);
    expect(m.subject).toBe('[FIRING:1] deleted-rule');
    expect(m.text).toContain('NO DATA deleted-rule');
    expect(m.text).toContain('value: no data');
  });

  it('a storm is counted past the first 20 alerts', () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      alert({ alertname: 'lag', alertstate: 'firing', group: `g${i}` }, 100 + i, T - MIN),
    );
    const n = describeNotification({ ...record(many), groupLabels: { alertname: 'lag' } }, ctx);
    expect(renderMessage(n).text).toContain('… and 5 more alerts in this group.');
    expect(renderSlack(n).blocks.length).toBeLessThanOrEqual(50);
  });

  it('Slack: text plus blocks, mrkdwn escaped, links in Slack syntax', () => {
    const s = renderSlack(describeNotification(record([purchases]), ctx));
    expect(s.text).toBe('[FIRING:1] Purchases <too> low');
    expect(s.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: s.text, emoji: false } });
    const section = JSON.stringify(s.blocks[1]);
    expect(section).toContain('&lt;b&gt;web&lt;/b&gt;');
    expect(section).toContain('<http://console.test:3000/dashboards/sales#panel-p%201|');
  });

  it('the webhook payload is version 1 and passes its own schema', () => {
    const p = webhookPayload(describeNotification(record([purchases]), ctx));
    expect(webhookPayloadSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({
      version: '1',
      status: 'firing',
      groupKey: 'g1',
      sentAt: '2026-03-10T12:00:00.000Z',
      firing: [
        {
          rule: 'purchases-low',
          value: 3,
          condition: { threshold: 10, recovery: 12 },
          startsAt: '2026-03-10T11:48:00.000Z',
          endsAt: null,
          lineage: { node: 'panel:sales/p 1' },
        },
      ],
    });
  });

  it('durations read as a person says them', () => {
    expect([45_000, 12 * MIN, 125 * MIN, 76 * 60 * MIN].map(formatDuration)).toEqual([
      '45s',
      '12m',
      '2h 5m',
      '3d 4h',
    ]);
  });
});
