// Which topics the console manages and which changes it refuses, as pure rules (unit-tested).
import { TributaryError, topicNames } from '@tributary/contracts';

/**
 * The console manages the platform's topics: every name under its topic prefix (the console's
 * Kafka principal is granted exactly that prefix). Others are not listed and not changed.
 */
export function isManagedTopic(prefix: string, name: string): boolean {
  return name.startsWith(prefix);
}

/** events, dead-letters, control: shown like any topic, protected from destructive changes. */
export function isPlatformTopic(prefix: string, name: string): boolean {
  return (Object.values(topicNames(prefix)) as string[]).includes(name);
}

export function assertConfirmed(confirm: string, expected: string, what: string): void {
  if (confirm !== expected) {
    throw new TributaryError(
      'bad_request',
      `confirm this change by repeating the ${what}: "confirm" must be ${JSON.stringify(expected)}`,
    );
  }
}

export function assertCreatable(prefix: string, name: string): void {
  if (!isManagedTopic(prefix, name)) {
    throw new TributaryError(
      'bad_request',
      `topic names must start with this platform's prefix ${JSON.stringify(prefix)} (got ${JSON.stringify(name)})`,
    );
  }
  if (isPlatformTopic(prefix, name)) {
    throw new TributaryError(
      'conflict',
      `${name} is one of the platform's own topics; it is created by the setup`,
    );
  }
}

export function assertPartitionIncrease(prefix: string, name: string, current: number, wanted: number): void {
  if (isPlatformTopic(prefix, name)) {
    // Ingest maps keys to partitions by the count it read at start, and the control topic's
    // followers read its one partition: more partitions would misroute or hide records.
    throw new TributaryError(
      'forbidden',
      `${name} is one of the platform's own topics: its partition count is set by the platform, not the console`,
    );
  }
  if (wanted <= current) {
    throw new TributaryError(
      'bad_request',
      `${name} has ${current} partitions; the count can only grow (asked for ${wanted}). Kafka cannot remove partitions`,
    );
  }
}

/** -1 is "forever", which is longer than any other value. */
export function isShorterRetention(before: number, after: number): boolean {
  if (after === -1) return false;
  return before === -1 || after < before;
}

export function assertConfigChange(
  prefix: string,
  name: string,
  before: { retentionMs: number | null; cleanupPolicy: string | null },
  change: { retentionMs?: number; cleanupPolicy?: string },
): void {
  if (!isPlatformTopic(prefix, name)) return;
  if (change.cleanupPolicy !== undefined && change.cleanupPolicy !== before.cleanupPolicy) {
    throw new TributaryError(
      'forbidden',
      `${name} is one of the platform's own topics: its cleanup policy cannot be changed ` +
        '(compacting the events would drop events; deleting on the control topic would lose live configuration)',
    );
  }
  if (
    change.retentionMs !== undefined &&
    before.retentionMs !== null &&
    isShorterRetention(before.retentionMs, change.retentionMs)
  ) {
    throw new TributaryError(
      'forbidden',
      `${name} is one of the platform's own topics: its retention may be raised, not lowered ` +
        `(from ${before.retentionMs} to ${change.retentionMs} ms would delete retained messages)`,
    );
  }
}
