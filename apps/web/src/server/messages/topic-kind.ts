import { topicNames } from '@tributary/contracts';
import type { TopicKind } from './frames.ts';

/** How a topic's messages are decoded: the platform's own topics by name, anything else raw. */
export function topicKindOf(topic: string, prefix: string): TopicKind {
  const t = topicNames(prefix);
  if (topic === t.events) return 'events';
  if (topic === t.deadLetters) return 'dead_letters';
  if (topic === t.control) return 'control';
  return 'raw';
}
