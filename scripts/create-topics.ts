import { topicSpecs } from '@tributary/contracts';
import { createAdmin } from '@tributary/kafka';

// Creates Tributary's Kafka topics (docker-compose's migrate service runs this). Idempotent.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const prefix = process.env.TOPIC_PREFIX ?? 'tributary.';
const admin = createAdmin({ brokers, clientId: 'tributary-create-topics' });
try {
  const specs = topicSpecs(prefix);
  await admin.ensureTopics(specs);
  console.log(`topics ready: ${specs.map((s) => s.name).join(', ')}`);
} finally {
  await admin.close();
}
