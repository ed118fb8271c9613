import { Kafka, logLevel } from 'kafkajs';
import { Admin, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { makeBatchFactory } from '/work/main/bench/src/kafka-clients/compare.ts';
const brokers = ['127.0.0.1:39092'];
const topic = 'conc.' + Date.now();
const admin = new Admin({ clientId: 'a', bootstrapBrokers: brokers });
await admin.createTopics({ topics: [topic], partitions: 6, replicas: 1 });
const mk = makeBatchFactory(500);
const conc = Number(process.argv[2] ?? 16), per = 100, rounds = 20;
const batches = Array.from({ length: conc * rounds }, (_, i) => mk(i * per, per));
{
  const p = new Producer({ clientId: 'p', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, serializers: { key: stringSerializers.key, headerKey: stringSerializers.headerKey, headerValue: stringSerializers.headerValue } });
  const t0 = performance.now(); let errs = 0;
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: conc }, (_, c) => p.send({ messages: batches[r * conc + c]!.map((m) => ({ topic, ...m })) }).catch((e) => { errs++; if (errs < 2) console.dir(e, { depth: 6 }); })));
  console.log('platformatic', conc, 'concurrent:', Math.round((conc * per * rounds) / ((performance.now() - t0) / 1000)), 'msg/s errors', errs);
  await p.close();
}
{
  const k = new Kafka({ brokers, clientId: 'k', logLevel: logLevel.ERROR });
  const p = k.producer({ idempotent: true, maxInFlightRequests: 1 }); await p.connect();
  const t0 = performance.now(); let errs = 0;
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: conc }, (_, c) => p.send({ topic, acks: -1, messages: batches[r * conc + c]! }).catch((e) => { errs++; if (errs < 3) console.log('kjs err', e.message); })));
  console.log('kafkajs', conc, 'concurrent:', Math.round((conc * per * rounds) / ((performance.now() - t0) / 1000)), 'msg/s errors', errs);
  await p.disconnect();
}
const off = await admin.listOffsets({ topics: [{ name: topic, partitions: [0,1,2,3,4,5].map((p) => ({ partitionIndex: p, timestamp: -1n })) }] } as never);
console.log('total written', off[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0), 'expected', 2 * conc * per * rounds);
await admin.deleteTopics({ topics: [topic] }); await admin.close();
