import { muteTimingSchema, rootPolicySchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { labelsKey } from './labels.ts';
import { NotificationScheduler, type AlertEvent, type NotificationRecord } from './scheduler.ts';

const S = 1000;
const policy = rootPolicySchema.parse({
  receiver: 'inbox',
  groupBy: ['alertname'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 3600,
  routes: [
    {
      receiver: 'night-shift',
      matchers: [{ name: 'team', op: '=', value: 'night' }],
      muteTimings: ['weekend'],
    },
  ],
});
const weekend = muteTimingSchema.parse({
  name: 'weekend',
  intervals: [{ weekdays: ['saturday', 'sunday'] }],
});

function alert(
  source: string,
  status: 'firing' | 'resolved',
  extra: Record<string, string> = {},
): AlertEvent {
  const labels = { alertname: 'lag', source, ...extra };
  return {
    fingerprint: labelsKey(labels),
    labels,
    status,
    startsAt: 0,
    endsAt: status === 'resolved' ? 1 : null,
    value: 1,
  };
}

const brief = (r: NotificationRecord) =>
  `${r.at / S}s ${r.receiver} ${r.outcome}/${r.reason} +${r.firing.map((a) => a.labels.source).join(',')} -${r.resolved.map((a) => a.labels.source).join(',')}`;

/** Advances the scheduler's clock step by step, collecting what became due. */
function drive(
  s: NotificationScheduler,
  until: number,
  events: Record<number, AlertEvent[]>,
  silenced = (_l: unknown, _t: number) => null as string | null,
) {
  const out: string[] = [];
  for (let t = 0; t <= until; t += 10 * S) {
    const ev = events[t / S];
    if (ev) s.observe(ev, t);
    out.push(...s.flush(t, silenced).map(brief));
  }
  return out;
}

describe('NotificationScheduler', () => {
  it('waits group_wait for a new group, batches changes per group_interval, repeats unchanged groups', () => {
    const s = new NotificationScheduler({ policy, muteTimings: [] });
    const out = drive(s, 4300 * S, {
      0: [alert('web', 'firing')],
      20: [alert('ios', 'firing')],
      100: [alert('web', 'resolved')],
      400: [alert('android', 'firing')],
    });
    // The repeat comes on the first group_interval tick an hour after the last send (630 + 3600).
    expect(out).toEqual([
      '30s inbox send/first +ios,web -',
      '330s inbox send/update +ios -web',
      '630s inbox send/update +android,ios -',
      '4230s inbox send/repeat +android,ios -',
    ]);
  });

  it('sends the repeat after repeat_interval and the resolved notification closes the group', () => {
    const s = new NotificationScheduler({ policy, muteTimings: [] });
    s.observe([alert('web', 'firing')], 0);
    const at = (t: number) => s.flush(t * S).map(brief);
    expect(at(30)).toEqual(['30s inbox send/first +web -']);
    for (let t = 330; t < 3630; t += 300) expect(at(t)).toEqual([]);
    expect(at(3630)).toEqual(['3630s inbox send/repeat +web -']);
    s.observe([alert('web', 'resolved')], 3700 * S);
    expect(s.nextDueAt()).toBe(3930 * S);
    expect(at(3930)).toEqual(['3930s inbox send/update + -web']);
    expect(s.nextDueAt()).toBeNull();
  });

  it('a group resolved before group_wait sends nothing', () => {
    const s = new NotificationScheduler({ policy, muteTimings: [] });
    s.observe([alert('web', 'firing')], 0);
    s.observe([alert('web', 'resolved')], 10 * S);
    expect(s.flush(30 * S)).toEqual([]);
    expect(s.nextDueAt()).toBeNull();
  });

  it('records silenced alerts once and sends them when the silence ends', () => {
    const s = new NotificationScheduler({ policy, muteTimings: [] });
    let silenced = true;
    const check = (labels: Record<string, string>) => (silenced && labels.source === 'web' ? 'sil-1' : null);
    s.observe([alert('web', 'firing'), alert('ios', 'firing')], 0);
    const r = s.flush(30 * S, check);
    expect(r.map(brief)).toEqual(['30s inbox send/first +ios -', '30s inbox silenced/first +web -']);
    // The silenced alert is not news while silenced: nothing more until it lifts.
    expect(s.flush(330 * S, check)).toEqual([]);
    silenced = false;
    expect(s.flush(630 * S, check).map(brief)).toEqual(['630s inbox send/update +ios,web -']);

    const all = new NotificationScheduler({ policy, muteTimings: [] });
    all.observe([alert('web', 'firing')], 0);
    const rec = all.flush(30 * S, () => 'sil-9');
    expect(rec.map((x) => [x.outcome, x.by, x.firing.length])).toEqual([['silenced', ['sil-9'], 1]]);
    expect(all.flush(330 * S, () => 'sil-9')).toEqual([]);
  });

  it('a muted route records instead of sending, and sends after the mute ends', () => {
    const s = new NotificationScheduler({ policy, muteTimings: [weekend] });
    const sat = Date.parse('2026-03-14T10:00:00Z');
    s.observe([alert('web', 'firing', { team: 'night' })], sat);
    const muted = s.flush(sat + 30 * S);
    expect(muted.map((r) => [r.receiver, r.outcome, r.by])).toEqual([['night-shift', 'muted', ['weekend']]]);
    const monday = Date.parse('2026-03-16T00:00:30Z');
    s.observe([], monday);
    const sent = s.flush(monday);
    expect(sent.map((r) => [r.receiver, r.outcome, r.reason])).toEqual([['night-shift', 'send', 'first']]);
  });

  it('resumes from its persisted state', () => {
    const a = new NotificationScheduler({ policy, muteTimings: [] });
    a.observe([alert('web', 'firing')], 0);
    const b = new NotificationScheduler({ policy, muteTimings: [] }, JSON.parse(JSON.stringify(a.state)));
    expect(b.flush(30 * S).map(brief)).toEqual(['30s inbox send/first +web -']);
  });
});
