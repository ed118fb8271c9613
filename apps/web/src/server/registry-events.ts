import { publishSubjectChange } from './control.ts';

/**
 * The one place the console reports a successful registry change (register, mode, deprecate,
 * delete). Ingest applies schema changes from the control topic, so every mutation in the
 * schemas router calls this after the registry committed. Never throws (see control.ts): the
 * change is durable in Postgres and ingest also reloads it periodically.
 */
export async function afterRegistryChange(name: string): Promise<void> {
  await publishSubjectChange(name);
}
