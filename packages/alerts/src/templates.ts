import type { Labels } from '@tributary/contracts';
import {
  formatDuration,
  formatNumber,
  type GroupNotification,
  type NotificationAlert,
} from './notification.ts';

/**
 * The words of a notification: a subject line, a plain-text body and an HTML body, from the
 * same pieces, so an email, a Slack message and the webhook's `text` say the same thing.
 */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** Most alerts spelled out in one message; the rest are counted (a storm stays readable). */
export const MESSAGE_MAX_ALERTS = 20;
/** Most up/downstream nodes named per alert. */
const MAX_NEIGHBOURS = 8;

const STATE_WORD: Record<string, string> = { firing: 'FIRING', no_data: 'NO DATA', error: 'ERROR' };

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function labelList(labels: Labels, skip: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !skip.includes(k))
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(', ');
}

function names(list: readonly string[]): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, MAX_NEIGHBOURS).join(', ');
  return list.length > MAX_NEIGHBOURS ? `${shown} and ${list.length - MAX_NEIGHBOURS} more` : shown;
}

/** The subject: `[FIRING:2] Revenue too low (source=web)`, `[RESOLVED] …`, `[TEST] …`. */
export function renderSubject(n: GroupNotification, prefix = ''): string {
  const counts: string[] = [];
  if (n.firing.length) counts.push(`FIRING:${n.firing.length}`);
  if (n.resolved.length) counts.push(n.firing.length ? `RESOLVED:${n.resolved.length}` : 'RESOLVED');
  const all = [...n.firing, ...n.resolved];
  const titles = [...new Set(all.map((a) => a.title))];
  const what = titles.length === 1 ? titles[0]! : `${all.length} alerts`;
  const group = labelList(n.groupLabels, ['alertname', 'alertstate']);
  const subject = `${n.test ? '[TEST] ' : ''}[${counts.join(', ')}] ${what}${group ? ` (${group})` : ''}`;
  return prefix ? `${prefix} ${subject}` : subject;
}

/** One alert's lines, shared by the text and HTML bodies (HTML escapes them). */
interface AlertLines {
  heading: string;
  lines: Array<{ label: string; value: string; href?: string }>;
}

function alertLines(a: NotificationAlert, at: number): AlertLines {
  const word = a.status === 'resolved' ? 'RESOLVED' : (STATE_WORD[a.state] ?? a.state.toUpperCase());
  const group = labelList(a.labels, ['alertname', 'alertstate']);
  const lines: AlertLines['lines'] = [];
  const value = a.value === null ? 'no data' : formatNumber(a.value);
  lines.push({
    label: 'value',
    value: a.condition.text ? `${value} (condition: ${a.condition.text})` : value,
  });
  if (a.condition.threshold !== null)
    lines.push({ label: 'threshold', value: formatNumber(a.condition.threshold) });
  if (a.condition.recovery !== null && a.condition.recovery !== a.condition.threshold)
    lines.push({ label: 'recovery threshold', value: formatNumber(a.condition.recovery) });
  const since = new Date(a.startsAt).toISOString();
  lines.push(
    a.status === 'resolved' && a.endsAt !== null
      ? {
          label: 'resolved',
          value: `after ${formatDuration(a.endsAt - a.startsAt)} (${since} to ${new Date(a.endsAt).toISOString()})`,
        }
      : { label: 'for', value: `${formatDuration(at - a.startsAt)} (since ${since})` },
  );
  lines.push({ label: 'labels', value: labelList(a.labels) || 'none' });
  if (a.links.panel) lines.push({ label: 'panel', value: a.links.panel, href: a.links.panel });
  if (a.links.lineage) lines.push({ label: 'lineage', value: a.links.lineage, href: a.links.lineage });
  if (a.lineage) {
    lines.push({ label: 'upstream', value: names(a.lineage.upstream) });
    lines.push({ label: 'downstream', value: names(a.lineage.downstream) });
  }
  return { heading: `${word} ${a.title}${group ? ` — ${group}` : ''}`, lines };
}

function sections(n: GroupNotification): { shown: AlertLines[]; more: number } {
  const all = [...n.firing, ...n.resolved];
  return {
    shown: all.slice(0, MESSAGE_MAX_ALERTS).map((a) => alertLines(a, n.at)),
    more: Math.max(0, all.length - MESSAGE_MAX_ALERTS),
  };
}

export function renderText(n: GroupNotification): string {
  const { shown, more } = sections(n);
  const out: string[] = [];
  if (n.test) out.push('This is a test notification sent from Tributary: no alert is firing.', '');
  for (const s of shown) {
    out.push(s.heading);
    for (const l of s.lines) out.push(`  ${l.label}: ${l.value}`);
    out.push('');
  }
  if (more) out.push(`… and ${more} more alerts in this group.`, '');
  out.push(`Sent by Tributary to receiver ${n.receiver} (route ${n.routeId}).`);
  return out.join('\n');
}

export function renderHtml(n: GroupNotification): string {
  const { shown, more } = sections(n);
  const e = escapeHtml;
  const parts: string[] = [];
  if (n.test)
    parts.push(
      '<p><strong>This is a test notification sent from Tributary: no alert is firing.</strong></p>',
    );
  for (const s of shown) {
    const rows = s.lines
      .map((l) => {
        const value = l.href ? `<a href="${e(l.href)}">${e(l.value)}</a>` : e(l.value);
        return `<tr><th align="left" style="padding-right:12px">${e(l.label)}</th><td>${value}</td></tr>`;
      })
      .join('');
    parts.push(`<h3 style="margin:16px 0 4px">${e(s.heading)}</h3><table>${rows}</table>`);
  }
  if (more) parts.push(`<p>… and ${more} more alerts in this group.</p>`);
  parts.push(
    `<p style="color:#666">Sent by Tributary to receiver ${e(n.receiver)} (route ${e(n.routeId)}).</p>`,
  );
  return `<!doctype html><html><body>${parts.join('\n')}</body></html>`;
}

export function renderMessage(n: GroupNotification, subjectPrefix = ''): RenderedMessage {
  return { subject: renderSubject(n, subjectPrefix), text: renderText(n), html: renderHtml(n) };
}

/** Slack's mrkdwn wants &, < and > escaped (its own link syntax uses < and >). */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack-compatible body: `text` (the notification fallback) and Block Kit `blocks`. */
export function renderSlack(n: GroupNotification): { text: string; blocks: unknown[] } {
  const { shown, more } = sections(n);
  const subject = renderSubject(n);
  const blocks: unknown[] = [
    // Header blocks hold at most 150 characters of plain text.
    { type: 'header', text: { type: 'plain_text', text: subject.slice(0, 150), emoji: false } },
  ];
  if (n.test)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Test notification: no alert is firing.' }],
    });
  for (const s of shown) {
    const lines = s.lines.map((l) => {
      const value = l.href ? `<${l.href}|${escapeSlack(l.value)}>` : escapeSlack(l.value);
      return `*${escapeSlack(l.label)}:* ${value}`;
    });
    // A section's text holds at most 3,000 characters.
    const text = `*${escapeSlack(s.heading)}*\n${lines.join('\n')}`.slice(0, 3000);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  if (more)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `… and ${more} more alerts in this group.` }],
    });
  return { text: subject, blocks };
}
