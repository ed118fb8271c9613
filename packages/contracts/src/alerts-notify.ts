import { z } from 'zod';
import { labelNameSchema } from './alerts-labels.ts';

/**
 * Where alerts go and when: receivers, the routing policy tree (Alertmanager's semantics:
 * label matchers, continue, group_by and the three grouping timings), mute timings and
 * silences. @tributary/alerts routes and schedules with them.
 */

const nameSchema = z
  .string()
  .min(1, 'a name is required')
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a name uses lower-case letters, digits, "-" and "_"');

export const matcherOps = ['=', '!=', '=~', '!~'] as const;
export type MatcherOp = (typeof matcherOps)[number];

/** A regex matcher's pattern must compile; it is matched against the whole value (anchored). */
export const labelMatcherSchema = z
  .object({ name: labelNameSchema, op: z.enum(matcherOps), value: z.string().max(500) })
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `the pattern for ${m.name} is not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });
export type LabelMatcher = z.output<typeof labelMatcherSchema>;

export const receiverSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('webhook'),
    name: nameSchema,
    url: z.url({ protocol: /^https?$/, error: 'a webhook URL is an http:// or https:// address' }),
    /** json: Tributary's own payload; slack: a Slack-compatible `{text, blocks}` body. */
    format: z.enum(['json', 'slack']).default('json'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name'), z.string().max(2000))
      .default({}),
  }),
  z.object({
    kind: z.literal('email'),
    name: nameSchema,
    to: z.array(z.email('an address like oncall@example.com')).min(1, 'name at least one address').max(50),
    subjectPrefix: z.string().max(100).default('[Tributary]'),
  }),
]);
export type Receiver = z.output<typeof receiverSchema>;

/** group_by: ['...'] groups by every label (one notification per alert). */
export const GROUP_BY_ALL = '...';

const timing = (what: string, min: number) =>
  z
    .number()
    .int(`${what} is a whole number of seconds`)
    .min(min, `${what} is at least ${min} s`)
    .max(30 * 86_400, `${what} is at most 30 days`);

export interface PolicyNodeInput {
  receiver?: string | undefined;
  matchers?: z.input<typeof labelMatcherSchema>[] | undefined;
  continue?: boolean | undefined;
  groupBy?: string[] | undefined;
  groupWaitSeconds?: number | undefined;
  groupIntervalSeconds?: number | undefined;
  repeatIntervalSeconds?: number | undefined;
  muteTimings?: string[] | undefined;
  routes?: PolicyNodeInput[] | undefined;
}

/** A node of the tree; unset fields are inherited from its parent (the root sets them all). */
export interface PolicyNode {
  receiver?: string | undefined;
  matchers: LabelMatcher[];
  continue: boolean;
  groupBy?: string[] | undefined;
  groupWaitSeconds?: number | undefined;
  groupIntervalSeconds?: number | undefined;
  repeatIntervalSeconds?: number | undefined;
  muteTimings: string[];
  routes: PolicyNode[];
}

const groupBySchema = z
  .array(z.union([labelNameSchema, z.literal(GROUP_BY_ALL)]))
  .max(20)
  .refine((g) => !g.includes(GROUP_BY_ALL) || g.length === 1, {
    message: `group by '${GROUP_BY_ALL}' (every label) stands alone`,
  });

export const policyNodeSchema: z.ZodType<PolicyNode, PolicyNodeInput> = z.lazy(() =>
  z.object({
    receiver: nameSchema.optional(),
    matchers: z.array(labelMatcherSchema).max(20).default([]),
    continue: z.boolean().default(false),
    groupBy: groupBySchema.optional(),
    groupWaitSeconds: timing('group_wait', 0).optional(),
    groupIntervalSeconds: timing('group_interval', 1).optional(),
    repeatIntervalSeconds: timing('repeat_interval', 60).optional(),
    muteTimings: z.array(nameSchema).max(20).default([]),
    routes: z.array(policyNodeSchema).max(100).default([]),
  }),
);

export const rootPolicySchema = z.object({
  receiver: nameSchema,
  groupBy: groupBySchema.default(['alertname']),
  groupWaitSeconds: timing('group_wait', 0).default(30),
  groupIntervalSeconds: timing('group_interval', 1).default(300),
  repeatIntervalSeconds: timing('repeat_interval', 60).default(4 * 3600),
  muteTimings: z.array(nameSchema).max(20).default([]),
  routes: z.array(policyNodeSchema).max(100).default([]),
});
export type RootPolicy = z.output<typeof rootPolicySchema>;

export const weekdays = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof weekdays)[number];

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day is HH:MM (00:00 to 24:00)');

/** Minutes from midnight of 'HH:MM'. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Recurring windows in a time zone during which a route sends nothing (weekday and time of day). */
export const muteTimingSchema = z.object({
  name: nameSchema,
  timeZone: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { message: 'an IANA time zone such as Europe/Berlin or UTC' }),
  intervals: z
    .array(
      z.object({
        /** Empty: every day. */
        weekdays: z.array(z.enum(weekdays)).max(7).default([]),
        /** Empty: the whole day. Each range is [start, end) local time. */
        times: z
          .array(
            z
              .object({ start: clock, end: clock })
              .refine((t) => clockMinutes(t.start) < clockMinutes(t.end), {
                message: 'a time range starts before it ends (use two ranges to span midnight)',
              }),
          )
          .max(10)
          .default([]),
      }),
    )
    .min(1, 'a mute timing has at least one interval')
    .max(20),
});
export type MuteTiming = z.output<typeof muteTimingSchema>;

/** Receivers, the policy tree and mute timings together: every name the tree uses must exist. */
export const notificationConfigSchema = z
  .object({
    receivers: z.array(receiverSchema).max(200),
    policy: rootPolicySchema,
    muteTimings: z.array(muteTimingSchema).max(100).default([]),
  })
  .superRefine((c, ctx) => {
    const receivers = new Set(c.receivers.map((r) => r.name));
    const timings = new Set(c.muteTimings.map((m) => m.name));
    if (receivers.size !== c.receivers.length)
      ctx.addIssue({ code: 'custom', path: ['receivers'], message: 'a receiver name is used twice' });
    if (timings.size !== c.muteTimings.length)
      ctx.addIssue({ code: 'custom', path: ['muteTimings'], message: 'a mute timing name is used twice' });
    const visit = (
      node: { receiver?: string | undefined; muteTimings: string[]; routes: PolicyNode[] },
      path: (string | number)[],
    ) => {
      if (node.receiver !== undefined && !receivers.has(node.receiver))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'receiver'],
          message: `no receiver named ${node.receiver}`,
        });
      node.muteTimings.forEach((m, i) => {
        if (!timings.has(m))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'muteTimings', i],
            message: `no mute timing named ${m}`,
          });
      });
      node.routes.forEach((r, i) => visit(r, [...path, 'routes', i]));
    };
    visit(c.policy, ['policy']);
  });
export type NotificationConfig = z.output<typeof notificationConfigSchema>;

/** ISO-8601 with a zone, or epoch milliseconds; parsed to epoch milliseconds. */
const instant = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const SILENCE_MAX_MS = 90 * 86_400_000;

/**
 * A silence: alerts whose labels match every matcher send nothing from startsAt until endsAt,
 * or — until resolved — until none of the alerts it matches is active any more.
 */
export const silenceSchema = z
  .object({
    matchers: z.array(labelMatcherSchema).min(1, 'a silence needs at least one matcher').max(20),
    startsAt: instant,
    end: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('at'), endsAt: instant }),
      z.object({ kind: z.literal('until_resolved') }),
    ]),
    createdBy: z.string().trim().min(1, 'who silences this (author) is required').max(200),
    comment: z.string().trim().min(1, 'say why (a comment is required)').max(2000),
  })
  .superRefine((s, ctx) => {
    if (s.end.kind === 'at') {
      if (s.end.endsAt <= s.startsAt)
        ctx.addIssue({ code: 'custom', path: ['end', 'endsAt'], message: 'a silence ends after it starts' });
      if (s.end.endsAt - s.startsAt > SILENCE_MAX_MS)
        ctx.addIssue({ code: 'custom', path: ['end', 'endsAt'], message: 'a silence lasts at most 90 days' });
    }
    // A matcher set that every alert matches (only empty-value = or match-all regexes) is a mute-all.
    const narrows = s.matchers.some(
      (m) => (m.op === '=' && m.value !== '') || m.op === '!=' || (m.op === '=~' && !/^\.\*$/.test(m.value)),
    );
    if (!narrows)
      ctx.addIssue({
        code: 'custom',
        path: ['matchers'],
        message: 'a silence must narrow by at least one label',
      });
  });
export type Silence = z.output<typeof silenceSchema>;
export type SilenceInput = z.input<typeof silenceSchema>;
