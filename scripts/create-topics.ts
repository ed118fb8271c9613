import { topicSpecs } from '@tributary/contracts';
import { authenticatePlain, KafkaWire, upsertScramCredentials } from '@tributary/kafka-broker';
import {
  createAdmin,
  kafkaSaslFromEnv,
  principalName,
  SERVICE_PRINCIPALS,
  serviceAcls,
} from '@tributary/kafka';

// Creates Tributary's Kafka topics (docker-compose's migrate service runs this). Idempotent.
// Logged in as the admin over PLAIN with the services' passwords in KAFKA_<SERVICE>_PASSWORD, it
// also sets their SCRAM credentials and ACLs (docs/decisions/kafka-sasl-acls.md).
const env = process.env;
const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const prefix = env.TOPIC_PREFIX ?? 'tributary.';
const sasl = kafkaSaslFromEnv({
  KAFKA_SASL_MECHANISM: env.KAFKA_SASL_MECHANISM as 'PLAIN' | undefined,
  KAFKA_SASL_USERNAME: env.KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD: env.KAFKA_SASL_PASSWORD,
});
const servicePasswords = Object.fromEntries(
  SERVICE_PRINCIPALS.map((p) => [p, env[`KAFKA_${p.toUpperCase()}_PASSWORD`]]),
);
const admin = createAdmin({ brokers, clientId: 'tributary-create-topics', sasl });
try {
  const specs = topicSpecs(prefix);
  await admin.ensureTopics(specs);
  console.log(`topics ready: ${specs.map((s) => s.name).join(', ')}`);
  if (sasl && Object.values(servicePasswords).every(Boolean)) {
    if (sasl.mechanism !== 'PLAIN') throw new Error('setting SCRAM credentials needs the admin on PLAIN');
    const [host, port] = brokers[0]!.split(':');
    const wire = await KafkaWire.connect(host!, Number(port), 10_000, 'tributary-create-topics');
    try {
      await authenticatePlain(wire, sasl);
      await upsertScramCredentials(wire, 'SCRAM-SHA-256', servicePasswords as Record<string, string>);
    } finally {
      wire.close();
    }
    const acls = await admin.syncAcls(
      SERVICE_PRINCIPALS.map(principalName),
      serviceAcls({ topicPrefix: prefix, consumerGroup: env.CONSUMER_GROUP ?? 'tributary-workers' }),
    );
    console.log(
      `SCRAM credentials set for ${SERVICE_PRINCIPALS.join(', ')}; ACLs +${acls.created} -${acls.deleted}`,
    );
  }
} finally {
  await admin.close();
}
