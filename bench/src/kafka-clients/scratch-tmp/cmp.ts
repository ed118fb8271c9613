import { compareClients, formatTable } from '/work/main/bench/src/kafka-clients/compare.ts';
import { kafkajsBench } from '/work/main/bench/src/kafka-clients/kafkajs-raw.ts';
import { platformaticBench } from '/work/main/bench/src/kafka-clients/platformatic-raw.ts';
const n = Number(process.argv[2] ?? 50000); const b = Number(process.argv[3] ?? 500);
const rows = await compareClients({ brokers: ['127.0.0.1:39092'], messages: n, batchSize: b, valueBytes: 500, partitions: 6, clients: [platformaticBench, kafkajsBench], log: console.log });
console.log(formatTable(rows));
