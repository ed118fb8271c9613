import { Counter, Gauge } from 'prom-client';
import { webMetrics } from '../metrics.ts';
import type { EndReason } from './frames.ts';

interface BrowserMetrics {
  scans: Counter<'end'>;
  scanned: Counter;
  running: Gauge;
}

// On globalThis like the registry itself: route bundles and dev reloads share one set.
const holder = globalThis as unknown as { tributaryBrowserMetrics?: BrowserMetrics };

/** Message-browser figures in the console's /api/metrics. */
export function browserMetrics(): BrowserMetrics {
  if (!holder.tributaryBrowserMetrics) {
    const registers = [webMetrics().registry];
    holder.tributaryBrowserMetrics = {
      scans: new Counter({
        name: 'web_message_browser_scans_total',
        help: 'Message-browser scans, by how they ended (done, a limit, stopped, error)',
        labelNames: ['end'],
        registers,
      }),
      scanned: new Counter({
        name: 'web_message_browser_messages_scanned_total',
        help: 'Kafka messages read by message-browser scans',
        registers,
      }),
      running: new Gauge({
        name: 'web_message_browser_scans_running',
        help: 'Message-browser scans whose Kafka client is open',
        registers,
      }),
    };
  }
  return holder.tributaryBrowserMetrics;
}

export function recordScanEnd(end: EndReason | 'error', scanned: number): void {
  const m = browserMetrics();
  m.scans.inc({ end });
  m.scanned.inc(scanned);
}
