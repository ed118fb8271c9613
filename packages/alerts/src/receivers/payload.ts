import { z } from 'zod';
import type { GroupNotification, NotificationAlert } from '../notification.ts';
import { renderSubject, renderText } from '../templates.ts';

/**
 * The generic webhook body, version 1. Additive changes (a new field) keep the version; a
 * renamed, removed or retyped field makes version 2, sent only to receivers that ask for it.
 * Times are ISO-8601 UTC; `value` is null when the alert is about missing data or an error.
 */
export const WEBHOOK_PAYLOAD_VERSION = '1';

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  state: z.enum(['normal', 'pending', 'firing', 'no_data', 'error']),
  rule: z.string(),
  title: z.string(),
  labels: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  condition: z.object({
    text: z.string(),
    threshold: z.number().nullable(),
    recovery: z.number().nullable(),
  }),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime().nullable(),
  links: z.object({ panel: z.string().nullable(), lineage: z.string().nullable() }),
  lineage: z
    .object({ node: z.string(), upstream: z.array(z.string()), downstream: z.array(z.string()) })
    .nullable(),
});

/** What a receiver can validate the body against (receivers in the console's inbox do). */
export const webhookPayloadSchema = z.object({
  version: z.literal(WEBHOOK_PAYLOAD_VERSION),
  /** firing while any alert in the group fires, else resolved. */
  status: z.enum(['firing', 'resolved']),
  test: z.boolean(),
  receiver: z.string(),
  routeId: z.string(),
  /** Stable for a group: a receiver can thread or de-duplicate by it. */
  groupKey: z.string(),
  reason: z.enum(['first', 'update', 'repeat']),
  groupLabels: z.record(z.string(), z.string()),
  sentAt: z.iso.datetime(),
  title: z.string(),
  text: z.string(),
  firing: z.array(alertSchema),
  resolved: z.array(alertSchema),
});
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

function alertPayload(a: NotificationAlert): WebhookPayload['firing'][number] {
  return {
    status: a.status,
    state: a.state,
    rule: a.rule,
    title: a.title,
    labels: a.labels,
    value: a.value,
    condition: a.condition,
    startsAt: iso(a.startsAt),
    endsAt: a.endsAt === null ? null : iso(a.endsAt),
    links: a.links,
    lineage: a.lineage,
  };
}

export function webhookPayload(n: GroupNotification): WebhookPayload {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    status: n.firing.length > 0 ? 'firing' : 'resolved',
    test: n.test,
    receiver: n.receiver,
    routeId: n.routeId,
    groupKey: n.groupId,
    reason: n.reason,
    groupLabels: n.groupLabels,
    sentAt: iso(n.at),
    title: renderSubject(n),
    text: renderText(n),
    firing: n.firing.map(alertPayload),
    resolved: n.resolved.map(alertPayload),
  };
}
