import type { Receiver } from '@tributary/contracts';
import { lineageLink, panelLink, type GroupNotification } from '../notification.ts';
import { deliverNotification, type DeliveryDeps } from './deliver.ts';
import type { DeliveryOutcome } from './outcome.ts';

/**
 * A made-up notification with every part a real one has (value, threshold, recovery, links,
 * lineage), marked as a test, so "send test" shows what the receiver will get.
 */
export function sampleNotification(receiver: Receiver, now: number, consoleUrl: string): GroupNotification {
  const labels = { alertname: 'tributary-test', alertstate: 'firing', source: 'web' };
  return {
    at: now,
    receiver: receiver.name,
    routeId: 'test',
    groupId: `test:${receiver.name}`,
    reason: 'first',
    groupLabels: { alertname: 'tributary-test' },
    firing: [
      {
        status: 'firing',
        state: 'firing',
        rule: 'tributary-test',
        title: 'Test alert from Tributary',
        labels,
        value: 42,
        condition: { text: 'above 30 (recovers at or below 25)', threshold: 30, recovery: 25 },
        startsAt: now - 5 * 60_000,
        endsAt: null,
        links: {
          panel: panelLink(consoleUrl, 'overview', 'events'),
          lineage: lineageLink(consoleUrl, 'source:web'),
        },
        lineage: { node: 'source:web', upstream: [], downstream: ['ingest', 'events', 'workers'] },
      },
    ],
    resolved: [],
    test: true,
  };
}

/** The console's "send test" button: a sample through the receiver's config, the outcome back. */
export function sendTestNotification(
  receiver: Receiver,
  deps: DeliveryDeps & { consoleUrl: string; now: number },
): Promise<DeliveryOutcome> {
  return deliverNotification(receiver, sampleNotification(receiver, deps.now, deps.consoleUrl), deps);
}
