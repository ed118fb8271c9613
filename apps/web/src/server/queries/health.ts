import type { QueryTarget } from './run.ts';

export async function pingClickHouse(target: QueryTarget): Promise<boolean> {
  const result = await target.client.ping();
  return result.success;
}
