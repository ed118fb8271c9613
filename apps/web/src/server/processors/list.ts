import { listProcessors } from '@tributary/processors';
import { getDb } from '../db.ts';
import { procedure } from '../trpc.ts';
import { processorOut } from './wire.ts';

// NOTE: no throughput / drop / dead-letter rates yet: the workers count them only in their own
// Prometheus registry (worker_processor_events_total), not in a store the console reads, and
// the list shows no figure rather than an invented one.
export const list = procedure('read').query(async () => (await listProcessors(getDb())).map(processorOut));
