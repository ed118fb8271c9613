import type { Db } from '@tributary/db';
import type { NotificationContext } from '../notification.ts';
import { deliverRecord } from '../receivers/deliver-record.ts';
import type { SmtpSettings } from '../receivers/email.ts';
import type { DeliveryOutcome } from '../receivers/outcome.ts';
import type { RetryPolicy } from '../receivers/retry.ts';
import { silencedBy } from '../silences.ts';
import { createAlertConfigLoader } from './config.ts';
import {
  claimQueuedNotifications,
  finishNotification,
  releaseNotifications,
  type QueuedNotification,
} from './notifier-store.ts';

export interface DeliveryReport {
  id: string;
  receiver: string;
  outcome: string;
  attempts: number;
  retaken: boolean;
  /** From the notification falling due to its outcome. */
  latencyMs: number;
}

export interface AlertDelivererOptions {
  db: Db;
  /** Names this instance on the rows it claims. */
  instance: string;
  consoleUrl: string;
  smtp?: SmtpSettings | null;
  /** Upstream/downstream of a lineage node, for the message (see NotificationContext). */
  lineage?: NotificationContext['lineage'];
  /** Notifications sent at once (different groups; a slow receiver does not hold up the others). */
  concurrency?: number;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /**
   * A claim older than this is taken over: longer than one delivery can take with its retries,
   * so only a deliverer that died loses its claim.
   */
  staleClaimMs?: number;
  now?: () => number;
  onDelivered?: (report: DeliveryReport) => void;
}

const outcomeName = (o: DeliveryOutcome) => (o.kind === 'ok' ? 'sent' : o.kind);

/**
 * Delivers queued notifications (the evaluator's outbox), run by the leader of its own lease:
 * claim, check the silences once more (one saved after the notification was queued still holds
 * it back), send with retries, record each attempt on the row. At least once: a deliverer that
 * dies after sending and before recording is taken over and its notification sent again; the
 * payload's groupKey and sentAt let a receiver drop the copy.
 */
export function createAlertDeliverer(opts: AlertDelivererOptions) {
  const loadConfig = createAlertConfigLoader(opts.db);
  const clock = opts.now ?? Date.now;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const staleMs = opts.staleClaimMs ?? 30_000;

  async function deliverOne(
    q: QueuedNotification,
    config: Awaited<ReturnType<typeof loadConfig>>,
  ): Promise<DeliveryReport> {
    const now = clock();
    const record = q.record;
    const held = record.firing.map((a) => silencedBy(config.silences, a.labels, now));
    if (record.firing.length > 0 && record.resolved.length === 0 && held.every((s) => s !== null)) {
      await finishNotification(
        opts.db,
        q,
        { outcome: 'silenced', silenced: true, detail: { by: [...new Set(held.map((s) => s!.id))] } },
        opts.instance,
      );
      return report(q, 'silenced', 0, now);
    }
    const rules = new Map(config.rules.map((r) => [r.rule.name, r.rule]));
    const result = await deliverRecord(record, {
      receivers: config.receivers,
      context: {
        consoleUrl: opts.consoleUrl,
        rule: (name) => rules.get(name),
        ...(opts.lineage ? { lineage: opts.lineage } : {}),
      },
      ...(opts.smtp !== undefined ? { smtp: opts.smtp } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
    const outcome = result ? outcomeName(result.outcome) : 'sent';
    await finishNotification(
      opts.db,
      q,
      {
        outcome,
        detail: {
          deliveredAt: new Date(clock()).toISOString(),
          attempts: result?.attempts ?? [],
          ...(q.retaken ? { retaken: true } : {}),
        },
      },
      opts.instance,
    );
    return report(q, outcome, result?.attempts.length ?? 0, clock());
  }

  function report(q: QueuedNotification, outcome: string, attempts: number, at: number): DeliveryReport {
    const r = {
      id: q.id,
      receiver: q.record.receiver,
      outcome,
      attempts,
      retaken: q.retaken,
      latencyMs: at - q.record.at,
    };
    opts.onDelivered?.(r);
    return r;
  }

  return {
    /** Delivers what is queued now (up to a batch); returns what happened to each. */
    async deliver(signal: AbortSignal): Promise<DeliveryReport[]> {
      const queued = await claimQueuedNotifications(opts.db, {
        instance: opts.instance,
        limit: concurrency * 4,
        staleMs,
        now: new Date(clock()),
      });
      if (queued.length === 0) return [];
      const config = await loadConfig(clock());
      const out: DeliveryReport[] = [];
      let next = 0;
      const worker = async () => {
        while (next < queued.length && !signal.aborted) out.push(await deliverOne(queued[next++]!, config));
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queued.length) }, worker));
      await releaseNotifications(
        opts.db,
        queued.slice(next).map((q) => q.id),
        opts.instance,
      );
      return out;
    },
  };
}
