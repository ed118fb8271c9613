import { muteTimingSchema, silenceSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { isMuteActive, isMuted, localTime } from './mute-timings.ts';
import {
  expiryWarnings,
  isSilenceActive,
  previewSilence,
  resolvedSilences,
  silencedBy,
  type StoredSilence,
} from './silences.ts';

const H = 3_600_000;
const T = Date.parse('2026-03-10T10:00:00Z'); // a Tuesday

function silence(id: string, input: Parameters<typeof silenceSchema.parse>[0]): StoredSilence {
  return { ...silenceSchema.parse(input), id, createdAt: T };
}

const lag = silence('s1', {
  matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
  startsAt: T,
  end: { kind: 'at', endsAt: T + 2 * H },
  createdBy: 'ana',
  comment: 'broker maintenance',
});
const web = silence('s2', {
  matchers: [{ name: 'source', op: '=~', value: 'web.*' }],
  startsAt: T,
  end: { kind: 'until_resolved' },
  createdBy: 'ben',
  comment: 'known outage',
});

const alerts = [
  { labels: { alertname: 'lag', source: 'web' }, active: true },
  { labels: { alertname: 'lag', source: 'ios' }, active: true },
  { labels: { alertname: 'dlq', source: 'web-eu' }, active: false },
];

describe('silences', () => {
  it('previews and checks who silences an alert when', () => {
    expect(previewSilence(web, alerts).map((a) => a.labels.source)).toEqual(['web', 'web-eu']);
    expect(isSilenceActive(lag, T - 1)).toBe(false);
    expect(isSilenceActive(lag, T + H)).toBe(true);
    expect(isSilenceActive(lag, T + 2 * H)).toBe(false);
    expect(silencedBy([lag, web], { alertname: 'dlq', source: 'web' }, T + H)?.id).toBe('s2');
    expect(silencedBy([lag, web], { alertname: 'dlq', source: 'ios' }, T + H)).toBeNull();
    expect(isSilenceActive({ ...web, endedAt: T + H }, T + H)).toBe(false);
  });

  it('ends until-resolved silences once what they matched resolved', () => {
    expect(resolvedSilences([lag, web], alerts, new Set(['s2']), T + H)).toEqual([]);
    const later = alerts.map((a) => ({ ...a, active: false }));
    expect(resolvedSilences([lag, web], later, new Set(['s2']), T + H).map((s) => s.id)).toEqual(['s2']);
    // Never matched anything yet: it waits.
    expect(resolvedSilences([web], later, new Set(), T + H)).toEqual([]);
  });

  it('warns of silences about to end over active alerts', () => {
    expect(expiryWarnings([lag, web], alerts, T + H, 30 * 60_000)).toEqual([]);
    expect(expiryWarnings([lag, web], alerts, T + 1.75 * H, 30 * 60_000)).toEqual([
      { silence: lag, endsAt: T + 2 * H, stillSilencing: 2 },
    ]);
  });
});

describe('mute timings', () => {
  const nights = muteTimingSchema.parse({
    name: 'nights',
    timeZone: 'Europe/Berlin',
    intervals: [
      {
        weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        times: [
          { start: '00:00', end: '07:00' },
          { start: '22:00', end: '24:00' },
        ],
      },
      { weekdays: ['saturday', 'sunday'] },
    ],
  });

  it('reads local time in the zone, daylight saving included', () => {
    expect(localTime(T, 'Europe/Berlin')).toEqual({ weekday: 'tuesday', minute: 11 * 60 });
    // Summer time: UTC+2.
    expect(localTime(Date.parse('2026-07-01T05:30:00Z'), 'Europe/Berlin')).toEqual({
      weekday: 'wednesday',
      minute: 7 * 60 + 30,
    });
    expect(localTime(Date.parse('2026-03-10T23:30:00Z'), 'Europe/Berlin')).toEqual({
      weekday: 'wednesday',
      minute: 30,
    });
  });

  it('mutes inside the windows only', () => {
    expect(isMuteActive(nights, T)).toBe(false);
    expect(isMuteActive(nights, Date.parse('2026-03-10T05:59:00Z'))).toBe(true); // 06:59 Berlin
    expect(isMuteActive(nights, Date.parse('2026-03-10T06:00:00Z'))).toBe(false); // 07:00
    expect(isMuteActive(nights, Date.parse('2026-03-10T21:00:00Z'))).toBe(true); // 22:00
    expect(isMuteActive(nights, Date.parse('2026-03-14T12:00:00Z'))).toBe(true); // Saturday
    expect(isMuted(['nights', 'missing'], [nights], Date.parse('2026-03-14T12:00:00Z'))).toBe('nights');
    expect(isMuted(['missing'], [nights], Date.parse('2026-03-14T12:00:00Z'))).toBeNull();
  });
});
