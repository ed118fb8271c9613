import { Producer, ProduceAcks } from '@platformatic/kafka';
const p = new Producer({ clientId: 'x', bootstrapBrokers: ['127.0.0.1:39092'], idempotent: true, acks: ProduceAcks.ALL, retries: 1, retryDelay: 100, autocreateTopics: false });
const t0 = Date.now();
const e = await p.send({ messages: [{ topic: 'nope.missing', value: Buffer.from('x') }] }).catch((e) => e);
console.log(Date.now() - t0, e?.constructor?.name, e?.message, JSON.stringify(e?.errors?.map((x: any) => [x.message, x.apiId, x.errors?.map((y: any) => [y.message, y.apiId])])));
await p.close(true);
