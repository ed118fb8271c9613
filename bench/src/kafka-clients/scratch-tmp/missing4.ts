import { Producer, ProduceAcks } from '@platformatic/kafka';
const p = new Producer({ clientId: 'x', bootstrapBrokers: ['127.0.0.1:39092'], idempotent: true, acks: ProduceAcks.ALL, timeout: 2000, connectTimeout: 2000, requestTimeout: 2000, retries: 1, retryDelay: 100, autocreateTopics: false, metadataMaxAge: 30000 });
const t0 = Date.now();
const keep = setTimeout(() => console.log('still pending after 5s'), 5000);
const e = await p.metadata({ topics: ['nope.missing'] }).then((m) => ['ok', [...m.topics.keys()]], (e) => e);
clearTimeout(keep);
console.log(Date.now() - t0, e?.constructor?.name, e?.message);
await p.close(true);
