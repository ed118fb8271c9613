import { Producer } from '@platformatic/kafka';
const p = new Producer({ clientId: 'x', bootstrapBrokers: ['127.0.0.1:39092'], retries: 1, retryDelay: 100, autocreateTopics: false });
const t0 = Date.now();
const keep = setTimeout(() => console.log('still pending after 5s'), 5000);
const e = await p.metadata({ topics: ['nope.missing'] }).then((m) => ['ok', [...m.topics.keys()]], (e) => e);
clearTimeout(keep);
console.log(Date.now() - t0, e?.constructor?.name, e?.message, JSON.stringify(e?.errors?.map((x: any) => [x.message, x.apiId])) ?? JSON.stringify(e));
await p.close(true);
