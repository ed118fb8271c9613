import { createOffsetReader, kafkaSaslFromEnv, type OffsetReader } from '@tributary/kafka';
import { env } from '../../env.ts';
import type { TopicKind } from './frames.ts';
import { topicKindOf } from './topic-kind.ts';

// One reader per server process for the form's partition list (scans get their own, closed at
// the end of each scan). Kept on globalThis so dev reloads reuse it.
const holder = globalThis as unknown as { tributaryBrowserOverviewReader?: OffsetReader };

function overviewReader(): OffsetReader {
  holder.tributaryBrowserOverviewReader ??= createOffsetReader({
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    sasl: kafkaSaslFromEnv(env),
    clientId: 'tributary-console-browser-overview',
  });
  return holder.tributaryBrowserOverviewReader;
}

export interface TopicOverview {
  topic: string;
  kind: TopicKind;
  partitions: { partition: number; earliest: string; end: string; messages: string }[];
}

/** What the browser's form offers: the topic's partitions and the offsets each holds. */
export async function topicOverview(topic: string): Promise<TopicOverview> {
  const marks = await overviewReader().watermarks(topic);
  return {
    topic,
    kind: topicKindOf(topic, env.TOPIC_PREFIX),
    partitions: marks.map((m) => ({
      partition: m.partition,
      earliest: String(m.earliest),
      end: String(m.end),
      messages: String(m.end - m.earliest),
    })),
  };
}
