import { clockMinutes, weekdays, type MuteTiming, type Weekday } from '@tributary/contracts';

// One formatter per zone: building Intl formatters is slow and the zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The weekday and minute of the day at t in a time zone (daylight saving included). */
export function localTime(t: number, timeZone: string): { weekday: Weekday; minute: number } {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = get('weekday').toLowerCase() as Weekday;
  if (!weekdays.includes(weekday)) throw new Error(`unexpected weekday ${get('weekday')} in ${timeZone}`);
  return { weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Whether a mute timing holds at t: any interval whose weekday and time-of-day range contain it. */
export function isMuteActive(timing: MuteTiming, t: number): boolean {
  const { weekday, minute } = localTime(t, timing.timeZone);
  return timing.intervals.some(
    (i) =>
      (i.weekdays.length === 0 || i.weekdays.includes(weekday)) &&
      (i.times.length === 0 ||
        i.times.some((r) => clockMinutes(r.start) <= minute && minute < clockMinutes(r.end))),
  );
}

/** Whether any of the named mute timings holds at t (names not found mute nothing). */
export function isMuted(names: readonly string[], timings: readonly MuteTiming[], t: number): string | null {
  for (const name of names) {
    const timing = timings.find((m) => m.name === name);
    if (timing && isMuteActive(timing, t)) return name;
  }
  return null;
}
