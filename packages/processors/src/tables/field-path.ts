import type { ProcessorEvent } from '@tributary/contracts';

/** The value at a readable path (`user_id`, `data.plan`, `derived.geo.country`), or undefined. */
export function readPath(event: ProcessorEvent, path: string): unknown {
  const parts = path.split('.');
  let value: unknown = event;
  for (const part of parts) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
