import { procedure } from '../trpc.ts';
import { readWorkersRunning } from './workers-running.ts';

/** Each worker instance and the version of each processor it runs (since when). */
export const workers = procedure('read').query(() => readWorkersRunning());
