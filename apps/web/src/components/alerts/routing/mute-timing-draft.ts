import { muteTimingSchema, weekdays, type MuteTiming, type Weekday } from '@tributary/contracts';

/** The mute timing form as typed: each interval's weekdays and its time ranges as "09:00-17:00, …". */
export interface MuteTimingForm {
  name: string;
  timeZone: string;
  intervals: Array<{ weekdays: Weekday[]; times: string }>;
}

export interface Problem {
  path: string;
  message: string;
}

export { weekdays };

export function emptyMuteTimingForm(): MuteTimingForm {
  return { name: '', timeZone: 'UTC', intervals: [{ weekdays: [], times: '' }] };
}

export function formFromMuteTiming(m: MuteTiming): MuteTimingForm {
  return {
    name: m.name,
    timeZone: m.timeZone,
    intervals: m.intervals.map((i) => ({
      weekdays: [...i.weekdays],
      times: i.times.map((t) => `${t.start}-${t.end}`).join(', '),
    })),
  };
}

export function buildMuteTiming(form: MuteTimingForm): {
  muteTiming: Record<string, unknown>;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const intervals = form.intervals.map((interval, i) => {
    const times = interval.times
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .flatMap((range) => {
        const m = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(range);
        if (!m) {
          problems.push({
            path: `intervals.${i}.times`,
            message: `"${range}" is not a range like 09:00-17:00`,
          });
          return [];
        }
        const pad = (t: string) => t.padStart(5, '0');
        return [{ start: pad(m[1]!), end: pad(m[2]!) }];
      });
    return { weekdays: interval.weekdays, times };
  });
  const muteTiming = { name: form.name.trim(), timeZone: form.timeZone.trim() || 'UTC', intervals };
  const checked = muteTimingSchema.safeParse(muteTiming);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      // A time range's problem is shown under its interval's time ranges.
      const path = issue.path.slice(0, 3).join('.');
      if (!problems.some((p) => p.path === path))
        problems.push({ path: path || 'muteTiming', message: issue.message });
    }
  }
  return { muteTiming, problems };
}

/** "weekdays 09:00-17:00; saturday, sunday all day (Europe/Berlin)". */
export function muteTimingSummary(m: MuteTiming): string {
  const parts = m.intervals.map((i) => {
    const days = i.weekdays.length === 0 ? 'every day' : i.weekdays.join(', ');
    const times = i.times.length === 0 ? 'all day' : i.times.map((t) => `${t.start}-${t.end}`).join(', ');
    return `${days} ${times}`;
  });
  return `${parts.join('; ')} (${m.timeZone})`;
}
