import { KafkaUnavailableError, type OutgoingMessage, type Producer } from '@tributary/kafka';

/**
 * Gathers the messages of concurrent requests for a topic and sends them as one produce call:
 * with single-event requests, one Kafka round trip per request would cap throughput far below
 * what the broker takes. Each caller's promise settles with the send that carried its messages,
 * so a request is still answered only after Kafka acknowledged *its* events.
 */
export interface ProduceBatcher {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Sends what is queued and waits for everything in flight. */
  flush(): Promise<void>;
}

interface Pending {
  messages: OutgoingMessage[];
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
  timer: NodeJS.Timeout | null;
}

export function createProduceBatcher(
  producer: Producer,
  opts: {
    lingerMs: number;
    maxBatch: number;
    deliveryTimeoutMs: number;
    /** Turns the queued messages of a topic into the messages sent (e.g. one per partition). */
    pack?: (topic: string, messages: OutgoingMessage[]) => OutgoingMessage[];
  },
): ProduceBatcher {
  const pending = new Map<string, Pending>();
  const inFlight = new Set<Promise<void>>();

  function dispatch(topic: string): void {
    const batch = pending.get(topic);
    if (!batch) return;
    pending.delete(topic);
    if (batch.timer) clearTimeout(batch.timer);
    const messages = opts.pack ? opts.pack(topic, batch.messages) : batch.messages;
    const sent = withTimeout(producer.send(topic, messages), opts.deliveryTimeoutMs).then(
      () => batch.waiters.forEach((w) => w.resolve()),
      (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  }

  return {
    send(topic, messages) {
      return new Promise<void>((resolve, reject) => {
        let batch = pending.get(topic);
        if (!batch) {
          batch = { messages: [], waiters: [], timer: null };
          pending.set(topic, batch);
        }
        batch.messages.push(...messages);
        batch.waiters.push({ resolve, reject });
        if (batch.messages.length >= opts.maxBatch || opts.lingerMs === 0) {
          dispatch(topic);
        } else {
          batch.timer ??= setTimeout(() => dispatch(topic), opts.lingerMs);
        }
      });
    },
    async flush() {
      for (const topic of [...pending.keys()]) dispatch(topic);
      await Promise.allSettled([...inFlight]);
    },
  };
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KafkaUnavailableError(`Kafka did not acknowledge within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
