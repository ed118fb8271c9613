import { createProducer } from '@tributary/kafka';
const p = createProducer({ brokers: ['127.0.0.1:39092'], clientId: 'x', deliveryTimeoutMs: 2000 });
const e = await p.send('nope.missing', [{ value: 'x' }]).catch((e) => e);
console.log(e.name, e.message);
await p.close();
