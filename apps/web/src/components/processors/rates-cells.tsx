import type { ProcessorRates } from '@tributary/processors';
import { numCell } from '../ui/index.ts';

function perSecond(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(n >= 10 ? 1 : 2);
}

function share(n: number): string {
  return `${(n * 100).toFixed(n > 0 && n < 0.001 ? 3 : 1)} %`;
}

/** Header cells matching RatesCells. */
export function RatesHeads() {
  return (
    <>
      <th className={numCell}>Events/s</th>
      <th className={numCell}>Dropped</th>
      <th className={numCell}>Dead-lettered</th>
      <th className={numCell}>µs/event</th>
    </>
  );
}

/** Throughput in (null rates: ClickHouse could not be asked), drop and dead-letter shares and step time, over the workers' last minutes. */
export function RatesCells({ rates, error }: { rates: ProcessorRates | null; error?: string | null }) {
  if (!rates) {
    return (
      <td
        colSpan={4}
        className="muted small"
        title={error ?? undefined}
        data-testid="processor-rates-unknown"
      >
        rates unavailable
      </td>
    );
  }
  return (
    <>
      <td className={numCell} data-testid="processor-in-rate" data-value={rates.inPerSecond}>
        {perSecond(rates.inPerSecond)}
      </td>
      <td className={numCell} data-testid="processor-drop-rate" data-value={rates.dropRate}>
        {share(rates.dropRate)}
      </td>
      <td className={numCell} data-testid="processor-dead-letter-rate" data-value={rates.deadLetterRate}>
        {share(rates.deadLetterRate)}
      </td>
      <td className={numCell}>{rates.microsPerEvent.toFixed(1)}</td>
    </>
  );
}
