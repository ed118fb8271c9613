import type { ProcessorEvent } from '@tributary/contracts';
import { createMemoryDedupeStore } from './memory-dedupe-store.ts';
import type { BatchRuntime } from './types.ts';

/** Test helpers: an event with overridable fields, and a runtime with a fresh memory store. */
export function testEvent(over: Partial<ProcessorEvent> = {}): ProcessorEvent {
  return {
    event_id: 'e1',
    event_type: 'signup',
    source: 'web',
    timestamp: '2026-12-01T10:00:30.000Z',
    user_id: 'u1',
    received_at: '2026-12-01T10:00:31.000Z',
    data: { plan: 'pro', amount: 12.5, email: 'ada@example.com' },
    metadata: {
      ip: '8.8.8.8',
      user_agent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    },
    derived: {},
    ...over,
  };
}

export function testRuntime(over: Partial<BatchRuntime> = {}): BatchRuntime {
  return { dedupe: createMemoryDedupeStore(), scope: 'test', ...over };
}
