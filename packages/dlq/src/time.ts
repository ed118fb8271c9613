/** ClickHouse's DateTime64 text ('2026-11-22 02:53:05.123', UTC) as ISO 8601. */
export function isoFromClickHouse(value: string): string {
  return `${value.replace(' ', 'T')}Z`;
}
