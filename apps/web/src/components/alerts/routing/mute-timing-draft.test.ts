import { muteTimingSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildMuteTiming,
  emptyMuteTimingForm,
  formFromMuteTiming,
  muteTimingSummary,
} from './mute-timing-draft.ts';

describe('mute timing drafts', () => {
  it('build weekdays and time ranges, and give them back', () => {
    const form = {
      ...emptyMuteTimingForm(),
      name: 'nights',
      timeZone: 'Europe/Berlin',
      intervals: [
        { weekdays: ['monday' as const, 'friday' as const], times: '0:00-07:00, 22:00 - 24:00' },
        { weekdays: ['sunday' as const], times: '' },
      ],
    };
    const { muteTiming, problems } = buildMuteTiming(form);
    expect(problems).toEqual([]);
    const parsed = muteTimingSchema.parse(muteTiming);
    expect(parsed.intervals[0]?.times).toEqual([
      { start: '00:00', end: '07:00' },
      { start: '22:00', end: '24:00' },
    ]);
    expect(buildMuteTiming(formFromMuteTiming(parsed)).muteTiming).toEqual(muteTiming);
    expect(muteTimingSummary(parsed)).toBe(
      'monday, friday 00:00-07:00, 22:00-24:00; sunday all day (Europe/Berlin)',
    );
  });

  it('name the interval a bad range or zone belongs to', () => {
    const { problems } = buildMuteTiming({
      name: 'x',
      timeZone: 'Mars/Olympus',
      intervals: [
        { weekdays: [], times: 'nine to five' },
        { weekdays: [], times: '17:00-09:00' },
      ],
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'intervals.0.times',
      'intervals.1.times',
      'timeZone',
    ]);
  });
});
