/** A stored time (ISO text, epoch ms or Date) as the console shows it: local date and time to the second. */
export function formatWhen(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
