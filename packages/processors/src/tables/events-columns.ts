import type { ProcessorEvent } from '@tributary/contracts';

/** The columns a processor with the 'events' output adds to an events row (migration 0007). */
export interface EventsOutputColumns {
  derived: Record<string, unknown>;
  processor: string;
  processor_version: number;
}

/**
 * Rows written without a processor keep the defaults: derived `{}`, processor '' and
 * processor_version 0.
 */
export function eventsOutputColumns(
  event: ProcessorEvent,
  processor: string,
  version: number,
): EventsOutputColumns {
  return { derived: event.derived, processor, processor_version: version };
}
