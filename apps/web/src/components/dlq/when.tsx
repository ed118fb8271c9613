import { formatTimestamp } from '../../lib/format.ts';

/** A UTC time as date over time, so narrow table columns stay readable. */
export function When({ iso }: { iso: string }) {
  const text = formatTimestamp(iso);
  const [date, ...rest] = text.split(' ');
  return (
    <span className="when" title={text}>
      <span>{date}</span>
      <span>{rest.join(' ')}</span>
    </span>
  );
}
